/**
 * @module adapters/memory/demo/names
 * Unique, readable artist names ("Glass Harbour", "The Velvet Tides", "Nova & the Owls", "Maya
 * Okafor") from an index, with no collision check needed: the index is permuted (an affine map
 * modulo the capacity, seeded) and the result is decomposed in mixed radix into (form, word A,
 * word B). The word lists are pairwise disjoint single words, so distinct triples give distinct
 * names and distinct slugs.
 */
import { hashSeed } from './rng.js';

const words = (text: string): readonly string[] => text.split(/\s+/).filter((w) => w.length > 0);

/** Adjectives ("Glass", "Velvet"). */
const ADJECTIVES =
  words(`Glass Velvet Golden Silver Hollow Quiet Electric Neon Paper Crystal Amber Scarlet Violet Indigo Crimson Faded
Gentle Wild Lonely Midnight Restless Broken Burning Frozen Distant Hidden Secret Sacred Bitter Sweet Tender
Brave Lucky Lazy Sleepy Dizzy Rusty Dusty Misty Stormy Sunny Rainy Windy Cloudy Salty Sugar Honey Copper Iron
Marble Cobalt Ivory Ebony Pastel Bright Dark Pale Deep Shallow Tiny Little Heavy Secondhand Analog Digital
Cosmic Lunar Solar Static Magnetic Atomic Plastic Rubber Wooden Concrete Chrome Liquid Velour Satin Hazy Foggy
Fuzzy Olive Coral Emerald Sapphire Strange Curious Clever Humble Noble Royal Savage Feral Tame Polite Rowdy
Gilded Wicked Holy Modern Ancient Vintage Future Eternal Endless Empty Open Slow Sudden Early Late Lost Lovely
Pretty Honest Loyal Lucid Vivid Soft Loud Silent Sharp Bold Shy Proud Wise Young Green Blue Red Black White
Grey Pink Orange Purple Yellow Tangerine Lilac Mellow Wandering Drowsy Fickle Gloomy Jolly Merry Sombre Stray
Swift Twin Weary Dreamy Sleek Tidal Hungry Careless Reckless Hopeful Fearless`);
/** Singular nouns ("Harbour", "Nova"). */
const NOUNS =
  words(`Harbour Lantern River Meadow Canyon Orchard Garden Comet Planet Rocket Engine Signal Echo Mirror Window Ladder
Anchor Compass Atlas Arrow Feather Pillow Blanket Candle Kettle Teacup Bicycle Carousel Parade Circus Nova
Moth Falcon Raven Sparrow Heron Otter Badger Tiger Panther Dolphin Whale Jellyfish Octopus Lobster Cactus
Willow Cedar Maple Birch Clover Thistle Fern Moss Pebble Boulder Glacier Volcano Desert Prairie Valley Summit
Tundra Lagoon Reef Delta Estuary Marsh Forest Cathedral Chapel Tower Castle Palace Cottage Cabin Attic Cellar
Basement Balcony Hallway Corridor Elevator Escalator Subway Railway Station Airport Motel Diner Arcade Cinema
Theatre Museum Library Gallery Studio Radio Satellite Telescope Machine Robot Android Ghost Phantom Spirit
Angel Saint Pilgrim Sailor Captain Pirate Bandit Cowboy Prophet Oracle Wizard Sorcerer Dragon Unicorn Griffin
Monarch Empire Kingdom Republic Parliament Orchestra Carnival Festival Jubilee Holiday Weekend Sunday Monday
Autumn Winter Summer Spring Morning Evening Twilight Daybreak Sunrise Sunset Horizon Skyline Rainbow Thunder
Lightning Blizzard Hurricane Tornado Monsoon Avalanche Earthquake`);
/** Plural nouns ("Tides", "Owls"). */
const PLURALS =
  words(`Tides Owls Wolves Lights Bells Shadows Waves Stars Hearts Dreamers Strangers Lovers Rivals Horses Lions Bears
Crows Swans Doves Foxes Hounds Cats Rabbits Bees Wasps Hornets Spiders Serpents Sharks Seals Pilots Drivers
Runners Riders Dancers Painters Poets Writers Thieves Kings Queens Knights Bishops Brothers Sisters Cousins
Daughters Sons Neighbours Friends Enemies Storms Clouds Mountains Hills Fields Flowers Roses Lilies Tulips
Orchids Daydreams Nightmares Whispers Voices Choirs Drums Guitars Pianos Strings Horns Trumpets Sirens Wires
Cables Circuits Moons Suns Galaxies Oceans Lakes Ponds Wells Fountains Bridges Tunnels Roads Streets Avenues
Alleys Houses Homes Rooms Doors Keys Locks Chains Rings Crowns Jewels Diamonds Pearls Coins Pennies Letters
Postcards Pictures Photographs Polaroids Tapes Records Cassettes Fires Flames Embers Sparks Ashes Heroes
Villains Outlaws Rebels Rascals Misfits Drifters Wanderers Travellers Astronauts Explorers Pioneers Settlers
Hunters Farmers Bakers Tailors Weavers Miners Builders Keepers Watchers Believers Sleepers Swimmers Divers
Skaters Surfers Climbers Gamblers Vandals Ramblers Jokers Clowns Acrobats Magicians Mermaids Vampires Zombies
Witches Fairies Goblins Trolls Elves Sprites Spectres`);
/** Given names ("Maya"). */
const FIRST_NAMES =
  words(`Maya Ruby Jade Ivy Daisy Leo Felix Oscar Hugo Iris Luna Nina Mila Zara Ada Elsa Freya Greta Ivo Otis Arlo Milo
Theo Jude Ezra Silas Jonah Caleb Eli Noah Sam Alex Kit Rory Finn Cormac Declan Niamh Saoirse Aoife Isla Esme
Clara Rosa Lola Nadia Amara Kemi Tunde Femi Kofi Ama Yaw Zion Malik Jamal Tariq Omar Yusuf Amir Layla Noor
Samira Priya Anika Ravi Arjun Kiran Dev Mei Lin Yuki Hana Kenji Sora Min Jun Ana Lucia Mateo Carlos Pablo Ines
Sofia Marta Bruno Tomas Lars Nils Sven Astrid Ingrid Sigrid Erik Anders Henrik Otto Ilse Anke Pieter Sanne
Femke Joost Lena Mia Emma Olivia Grace Ella Chloe Harriet Imogen Poppy Florence Beatrix Agnes Mabel Edith
Winnie Dolly Frankie Billie Stevie Charlie Robin Jordan Morgan Casey Riley Quinn Sasha Remy Jules`);
/** Surnames ("Okafor"). */
const SURNAMES =
  words(`Okafor Mensah Adeyemi Banda Mwangi Achebe Diallo Kone Traore Haddad Nasser Farouk Rahman Khan Patel Shah
Kapoor Mehta Rao Iyer Nair Tanaka Sato Suzuki Kim Park Chen Wang Nguyen Tran Santos Silva Costa Pereira Alves
Moreno Ortega Navarro Castillo Romero Vega Herrera Rossi Bianchi Greco Conti Moretti Fontaine Laurent Moreau
Girard Dubois Bernard Muller Schmidt Fischer Weber Becker Hoffmann Wagner Richter Klein Vogel Jansen Bakker
Visser Smit Lindqvist Nyberg Holm Berg Dahl Strand Eriksen Hansen Larsen Nielsen Kowalski Novak Horvat Popescu
Petrov Volkov Murphy Byrne Kelly Walsh Doyle Gallagher Brennan Campbell Fraser Reid Morrison Hughes Evans
Price Jenkins Howell Pryce Baker Carter Fletcher Turner Archer Mason Cooper Hawkins Marlowe Ashworth Whitlock
Hardy Bloom Sterling Winslow Calloway Holloway Everly Monroe Sinclair Ellison Harlow Hollis Greer Wilder Blake
Sloane Vance`);

/** A name form: two word lists and how to join one word of each. */
interface NameForm {
  readonly a: readonly string[];
  readonly b: readonly string[];
  readonly join: (a: string, b: string) => string;
}

const FORMS: readonly NameForm[] = [
  { a: ADJECTIVES, b: NOUNS, join: (a, b) => `${a} ${b}` },
  { a: ADJECTIVES, b: PLURALS, join: (a, b) => `The ${a} ${b}` },
  { a: NOUNS, b: PLURALS, join: (a, b) => `${a} & the ${b}` },
  { a: FIRST_NAMES, b: SURNAMES, join: (a, b) => `${a} ${b}` },
  { a: NOUNS, b: PLURALS, join: (a, b) => `${a} ${b}` },
  { a: FIRST_NAMES, b: PLURALS, join: (a, b) => `${a} & the ${b}` },
];

/** The word lists, exported for the disjointness test. */
export const NAME_WORD_LISTS: Readonly<Record<string, readonly string[]>> = {
  adjectives: ADJECTIVES,
  nouns: NOUNS,
  plurals: PLURALS,
  firstNames: FIRST_NAMES,
  surnames: SURNAMES,
};

/** How many distinct artist names the generator can produce. */
export const NAME_CAPACITY: number = FORMS.reduce((n, f) => n + f.a.length * f.b.length, 0);

function gcd(x: number, y: number): number {
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** Turns artist indices into names; a bijection from `[0, NAME_CAPACITY)` onto names. */
export interface NameGenerator {
  /** Number of distinct names available. */
  readonly capacity: number;
  /** The name of artist `index`. Throws a RangeError past capacity. */
  name(index: number): string;
}

/**
 * Builds the seeded name generator. Same seed, same names; different seeds shuffle them.
 * @example
 * ```ts
 * const names = createNameGenerator(42);
 * names.name(0); // e.g. "The Velvet Tides"
 * ```
 */
export function createNameGenerator(seed: number): NameGenerator {
  const capacity = NAME_CAPACITY;
  // Multiplier coprime with the capacity makes i -> (mult * i + shift) mod capacity a permutation.
  let mult = (hashSeed(seed, 'names', 'mult') % (capacity - 2)) + 2;
  while (gcd(mult, capacity) !== 1) mult++;
  const shift = hashSeed(seed, 'names', 'shift') % capacity;
  return {
    capacity,
    name(index) {
      if (!Number.isInteger(index) || index < 0 || index >= capacity) {
        throw new RangeError(`Artist index ${index} is past the name capacity (${capacity} unique names)`);
      }
      let r = (mult * index + shift) % capacity;
      for (const form of FORMS) {
        const size = form.a.length * form.b.length;
        if (r < size) return form.join(form.a[r % form.a.length]!, form.b[Math.floor(r / form.a.length)]!);
        r -= size;
      }
      throw new RangeError('unreachable: name index out of range');
    },
  };
}

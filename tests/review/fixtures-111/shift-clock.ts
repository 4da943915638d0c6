/**
 * Hostile review 111, preload: moves the process wall clock (`Date.now()` and `new Date()` with no
 * argument) by `R111_SHIFT_MS` milliseconds, as if the host's date were elsewhere. Everything else
 * about Date (parsing, UTC fields, a Date made from a value) is unchanged.
 */
const shift = Number(process.env.R111_SHIFT_MS ?? '0');
const RealDate = Date;

class ShiftedDate extends RealDate {
  constructor(...args: [] | [string | number | Date]) {
    if (args.length === 0) super(RealDate.now() + shift);
    else super(args[0]);
  }
  static override now(): number {
    return RealDate.now() + shift;
  }
}

if (shift !== 0) globalThis.Date = ShiftedDate as DateConstructor;

import { describe, expectTypeOf, it } from 'vitest';
import type {
  BatchResult,
  CMGAdapter,
  CoverageAdapter,
  FusionAdapter,
  IdentityKernelAdapter,
  MIGAdapter,
  RCFAdapter,
  SceneRadarSources,
  ScenesAdapter,
  SourceName,
  WorkspaceSource,
} from 'scene-radar';
import type { BATCH_METHODS } from '../../src/contracts/registry.js';

/** Member names that are not reads. */
type NonReads<T> = Exclude<keyof T, `get${string}` | `list${string}` | 'maxBatchSize'>;
/** Members that are not readonly (a writable member could be swapped out by a consumer). */
type Mutable<T> = {
  [K in keyof T]-?: (<G>() => G extends { [P in K]: T[K] } ? 1 : 2) extends <G>() => G extends {
    readonly [P in K]: T[K];
  }
    ? 1
    : 2
    ? never
    : K;
}[keyof T];
/** Methods whose return is not a promise of data. */
type NonPromise<T> = {
  [K in keyof T]-?: T[K] extends ((...args: never[]) => infer R) | undefined
    ? R extends Promise<unknown>
      ? never
      : K
    : never;
}[keyof T];

type Contracts = [
  MIGAdapter,
  CMGAdapter,
  FusionAdapter,
  CoverageAdapter,
  RCFAdapter,
  IdentityKernelAdapter,
  ScenesAdapter,
  WorkspaceSource,
];

describe('source contracts are read-only', () => {
  it('have only get*/list* methods (and maxBatchSize)', () => {
    expectTypeOf<NonReads<Contracts[number]>>().toEqualTypeOf<never>();
    expectTypeOf<
      NonReads<MIGAdapter> | NonReads<CMGAdapter> | NonReads<FusionAdapter> | NonReads<CoverageAdapter>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      NonReads<RCFAdapter> | NonReads<IdentityKernelAdapter> | NonReads<ScenesAdapter> | NonReads<WorkspaceSource>
    >().toEqualTypeOf<never>();
  });

  it('have only readonly members', () => {
    expectTypeOf<
      Mutable<MIGAdapter> | Mutable<CMGAdapter> | Mutable<FusionAdapter> | Mutable<CoverageAdapter>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      Mutable<RCFAdapter> | Mutable<IdentityKernelAdapter> | Mutable<ScenesAdapter> | Mutable<WorkspaceSource>
    >().toEqualTypeOf<never>();
    expectTypeOf<Mutable<SceneRadarSources>>().toEqualTypeOf<never>();
  });

  it('return promises from every method', () => {
    expectTypeOf<
      NonPromise<MIGAdapter> | NonPromise<FusionAdapter> | NonPromise<ScenesAdapter>
    >().toEqualTypeOf<never>();
  });

  it('detects a write: the checks are not vacuous', () => {
    interface Writer extends MIGAdapter {
      setArtist(slug: string): Promise<void>;
    }
    expectTypeOf<NonReads<Writer>>().toEqualTypeOf<'setArtist'>();
    expectTypeOf<Mutable<{ getX: () => Promise<void> }>>().toEqualTypeOf<'getX'>();
  });
});

describe('the gateway registry matches the contracts', () => {
  type BatchMethodsOf<A> = {
    [K in keyof A]-?: A[K] extends
      | ((keys: readonly string[], options: never) => Promise<BatchResult<unknown>>)
      | undefined
      ? K
      : never;
  }[keyof A];
  it('lists exactly the batch methods of every source', () => {
    type Check = {
      [S in SourceName]: [BatchMethodsOf<NonNullable<SceneRadarSources[S]>>, keyof (typeof BATCH_METHODS)[S]];
    };
    expectTypeOf<Check['mig'][0]>().toEqualTypeOf<Check['mig'][1]>();
    expectTypeOf<Check['cmg'][0]>().toEqualTypeOf<Check['cmg'][1]>();
    expectTypeOf<Check['fusion'][0]>().toEqualTypeOf<Check['fusion'][1]>();
    expectTypeOf<Check['coverage'][0]>().toEqualTypeOf<Check['coverage'][1]>();
    expectTypeOf<Check['rcf'][0]>().toEqualTypeOf<Check['rcf'][1]>();
    expectTypeOf<Check['identityKernel'][0]>().toEqualTypeOf<Check['identityKernel'][1]>();
    expectTypeOf<Check['scenes'][0]>().toEqualTypeOf<Check['scenes'][1]>();
    expectTypeOf<Check['workspaces'][0]>().toEqualTypeOf<Check['workspaces'][1]>();
  });
});

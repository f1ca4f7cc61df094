import fc from 'fast-check';

/**
 * The seed of the property tests: fixed in `npm test` so that a run is repeatable, random when
 * FC_SEED=random (as `.ci/run` sets it), or the number in FC_SEED to replay a failure. It is
 * printed either way, so any failure can be replayed with `FC_SEED=<seed> npm test -- test/properties`.
 */
export const FIXED_SEED = 20261130;

function chooseSeed(): number {
  const raw = process.env.FC_SEED;
  if (raw === 'random') return Math.floor(Math.random() * 2 ** 31);
  if (raw && /^-?\d+$/.test(raw)) return Number(raw);
  return FIXED_SEED;
}

export const SEED = chooseSeed();
/** Runs per property; FC_RUNS raises it for a longer search. */
export const RUNS = Number(process.env.FC_RUNS ?? 300);

let printed = false;
export function configureProperties(): void {
  fc.configureGlobal({ seed: SEED, numRuns: RUNS });
  if (!printed) {
    printed = true;
    process.stdout.write(`# fast-check seed ${SEED}, ${RUNS} runs per property (replay: FC_SEED=${SEED} npm test -- test/properties)\n`);
  }
}

/** Counts the generated cases a property actually checked (reported by each file). */
export class CaseCounter {
  count = 0;
  tick(): true {
    this.count++;
    return true;
  }
}

/** What the long benchmarks share: their `--name value` options and percentiles. */

/** This process' `--name value` options; `command` repeats the invocation for the printed figures. */
export function benchOptions(script: string, node = 'node --import tsx') {
  const args = process.argv.slice(2);
  return {
    /** The value after `--name`, or `dflt`. */
    arg(name: string, dflt: string): string {
      const i = args.indexOf(`--${name}`);
      return i >= 0 ? args[i + 1]! : dflt;
    },
    /** Whether the flag `--name` is given. */
    has: (name: string) => args.includes(`--${name}`),
    /** Every value given after `--name` (an option that may repeat). */
    all: (name: string) => args.flatMap((a, i) => (args[i - 1] === `--${name}` ? [a] : [])),
    command: `${node} ${script} ${args.join(' ')}`.trim(),
  };
}

/** The p-th percentile (nearest rank) of `xs`; NaN for none. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

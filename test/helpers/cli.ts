// Kept for test/cli/cli.test.ts and test/cli/help*.test.ts, which are being rewritten elsewhere:
// the test harness lives in test/support/. Remove once they import from there.
export * from '../support/cli.js';

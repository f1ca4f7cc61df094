// Fault rules (docs/design.md §2.4): requests that match a rule get a broken answer instead of
// Jenkins' (see FaultKind); each rule affects a number of requests or all of them.
import type { FaultRule } from './types.js';

interface ActiveFault {
  rule: FaultRule;
  /** undefined = unlimited */
  remaining: number | undefined;
}

export class FaultRules {
  private faults: ActiveFault[] = [];

  add(rule: FaultRule): void {
    this.faults.push({ rule: { ...rule }, remaining: rule.times });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first rule that matches the request, counted as used; rules are checked in the order they were added. */
  take(method: string, pathname: string, search: string): FaultRule | undefined {
    for (const active of this.faults) {
      const { rule } = active;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
      if (typeof rule.path === 'string') {
        const matches = rule.path.endsWith('*') ? pathname.startsWith(rule.path.slice(0, -1)) : pathname === rule.path;
        if (!matches) continue;
      } else if (rule.path instanceof RegExp) {
        rule.path.lastIndex = 0;
        if (!rule.path.test(pathname + search)) continue;
      }
      if (active.remaining !== undefined) {
        active.remaining -= 1;
        if (active.remaining <= 0) this.faults = this.faults.filter((f) => f !== active);
      }
      return rule;
    }
    return undefined;
  }
}

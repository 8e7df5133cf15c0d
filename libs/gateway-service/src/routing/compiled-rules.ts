import { compileRules, type CompiledRule } from '@optscale/routing';
import type { OrganizationState } from '../config/gateway-state';

/**
 * Each organization's rules compiled once per state: keyed by the state object, so a config swap
 * (a new object) recompiles and the old entry goes with the old state. A rule whose condition does
 * not compile is left out and logged once per state, not per request: the admin API validates
 * conditions when saved, so this only happens across versions of the condition language.
 */
export class CompiledRulesCache {
  private readonly byOrganization = new WeakMap<OrganizationState, readonly CompiledRule[]>();

  constructor(private readonly log: (line: string) => void) {}

  of(org: OrganizationState): readonly CompiledRule[] {
    let rules = this.byOrganization.get(org);
    if (rules === undefined) {
      const compiled = compileRules(org.routingRules);
      for (const error of compiled.errors) {
        this.log(`routing rule ${error.ruleId} of organization ${org.id} is skipped: ${error.error}`);
      }
      rules = compiled.rules;
      this.byOrganization.set(org, rules);
    }
    return rules;
  }
}

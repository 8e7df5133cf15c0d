import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessBus } from '@optscale/bus';
import {
  accessMessageKey,
  providerMessageKey,
  routeMessageKey,
  type AccessSnapshot,
  type KeySnapshot,
  type ProviderSnapshot,
  type RoutingRuleSnapshot,
} from '@optscale/contracts';
import { createKek, createKeyring, decryptSecret, encryptSecret } from '@optscale/database';
import {
  BusConfigSource,
  generateKey,
  hashKey,
  parseGatewayEnv,
  providerCredentialAad,
  startGateway,
  type RunningGateway,
  type StartGatewayOptions,
} from '@optscale/gateway-service';
import { eventually } from '@optscale/testing';

/**
 * A gateway whose state comes from the config topics, as in distributed mode, over an in-process
 * bus on which the test publishes snapshots the way the control plane would (credentials encrypted
 * and bound to their provider). Each `put…` resolves once the running gateway serves the change.
 */
export interface BusStack {
  gateway: RunningGateway;
  bus: InProcessBus;
  organizationId: string;
  /** `http://127.0.0.1:<port>/llm_proxy/<org>` */
  base: string;
  putProvider(p: ProviderInput): Promise<void>;
  putAccess(userId: string, allowedProviders: string[], teamIds?: string[]): Promise<void>;
  /** A new key of `userId` (whose access must exist); returns the plaintext. */
  addKey(userId: string, overrides?: Partial<KeySnapshot>): Promise<string>;
  putRule(rule: RuleInput): Promise<RoutingRuleSnapshot>;
  deleteRule(id: string): Promise<void>;
  close(): Promise<void>;
}

export interface ProviderInput {
  proxyName: string;
  apiType: ProviderSnapshot['apiType'];
  baseUrl: string;
  /** Plaintext; encrypted for the topic. */
  apiKey: string;
  models: string[];
  status?: ProviderSnapshot['status'];
  position?: number;
}

/** A rule with defaults for everything but its id and targets. */
export type RuleInput = Partial<RoutingRuleSnapshot> & Pick<RoutingRuleSnapshot, 'id' | 'targets'>;

export async function startBusStack(
  env: Record<string, string> = {},
  options: StartGatewayOptions = {},
): Promise<BusStack> {
  const organizationId = randomUUID();
  const kek = createKek(randomBytes(32));
  const keyring = createKeyring(kek);
  const bus = new InProcessBus();
  const source = new BusConfigSource({
    bus,
    decrypt: (envelope, provider) =>
      decryptSecret(envelope, keyring, { aad: providerCredentialAad(provider.id) }),
    log: () => undefined,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'optscale-routing-'));
  const gateway = await startGateway(
    parseGatewayEnv({
      PORT: '0',
      OPTSCALE_DATA_DIR: dataDir,
      OPTSCALE_REQUEST_LOG: 'false',
      SHUTDOWN_GRACE_MS: '500',
      ...env,
    }),
    source,
    options,
  );
  await eventually(() => {
    if (!gateway.runtime.isLoaded()) throw new Error('the gateway is still loading');
  });
  const org = () => gateway.runtime.state().organizations.get(organizationId);

  return {
    gateway,
    bus,
    organizationId,
    base: `${gateway.url}/llm_proxy/${organizationId}`,
    async putProvider(p) {
      const id = `prov-${p.proxyName}`;
      const snapshot: ProviderSnapshot = {
        id,
        organizationId,
        name: p.proxyName,
        proxyName: p.proxyName,
        apiType: p.apiType,
        baseUrl: p.baseUrl,
        status: p.status ?? 'active',
        models: p.models,
        position: p.position ?? 0,
        credential: encryptSecret(p.apiKey, kek, { aad: providerCredentialAad(id) }),
      };
      await bus.publish(
        'optscale.config.providers.v1',
        providerMessageKey(organizationId, p.proxyName),
        snapshot,
      );
      await eventually(() => {
        const connection = org()?.providers.get(p.proxyName);
        if (
          connection?.baseUrl !== p.baseUrl.replace(/\/+$/, '') ||
          connection.active !== (snapshot.status === 'active')
        )
          throw new Error(`provider ${p.proxyName} not applied yet`);
      });
    },
    async putAccess(userId, allowedProviders, teamIds = []) {
      const snapshot: AccessSnapshot = {
        organizationId,
        userId,
        email: `${userId}@sunflower.example`,
        role: 'member',
        teamIds,
        allowedProviders,
        organization: { name: 'Sunflower', currency: 'USD' },
      };
      await bus.publish('optscale.config.access.v1', accessMessageKey(organizationId, userId), snapshot);
      await eventually(() => {
        const user = [...gateway.runtime.state().keysByHash.values()].find((k) => k.user.id === userId)?.user;
        // Without a key yet the user is not visible in the state; the next key picks it up.
        if (user && [...user.allowedProviders].sort().join() !== [...allowedProviders].sort().join())
          throw new Error(`access of ${userId} not applied yet`);
      });
    },
    async addKey(userId, overrides = {}) {
      const plaintext = generateKey();
      const hash = hashKey(plaintext);
      const snapshot: KeySnapshot = {
        keyId: `key-${randomUUID().slice(0, 8)}`,
        organizationId,
        userId,
        name: 'laptop',
        displayPrefix: plaintext.slice(0, 10),
        active: true,
        expiresAt: null,
        ...overrides,
      };
      await bus.publish('optscale.config.keys.v1', hash, snapshot);
      await eventually(() => {
        if (!gateway.runtime.state().keysByHash.has(hash)) throw new Error('key not applied yet');
      });
      return plaintext;
    },
    async putRule(input) {
      const rule: RoutingRuleSnapshot = {
        organizationId,
        name: input.id,
        description: null,
        enabled: true,
        condition: '',
        scope: 'organization',
        scopeId: null,
        priority: 0,
        models: [],
        fallbacks: [],
        ...input,
      };
      await bus.publish('optscale.config.routes.v1', routeMessageKey(organizationId, rule.id), rule);
      await eventually(() => {
        expect(org()?.routingRules.find((r) => r.id === rule.id)).toEqual(rule);
      });
      return rule;
    },
    async deleteRule(id) {
      await bus.publishRaw('optscale.config.routes.v1', routeMessageKey(organizationId, id), null);
      await eventually(() => {
        if (org()?.routingRules.some((r) => r.id === id)) throw new Error(`rule ${id} still applied`);
      });
    },
    async close() {
      await gateway.close();
      await bus.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

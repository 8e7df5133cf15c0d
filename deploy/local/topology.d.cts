export interface TopologyOptions {
  databaseUrl: string;
  /** Comma-separated brokers. */
  kafkaBrokers: string;
  /** Where the shared KEK file and the gateways' data folders live. */
  stateDir: string;
  topicPrefix?: string;
  bootstrapToken?: string;
  ports?: { auth: number; router: number; policy?: number; gateways: number[] };
  env?: Record<string, string>;
  authEnv?: Record<string, string>;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface Topology {
  bootstrapToken: string;
  authUrl: string;
  routerUrl: string;
  policyUrl: string;
  gatewayUrls: string[];
  processes: { name: string; pid: number | undefined; url: string }[];
  stop(): Promise<void>;
}

export function startTopology(options: TopologyOptions): Promise<Topology>;
export function readStackEnv(stackDir?: string): Record<string, string>;

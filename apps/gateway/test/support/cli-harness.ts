import { killRunningClis, requireInstalled, TempDirs } from './cli-process';
import {
  startRecordingProxy,
  startRefusingProxy,
  type RecordingProxy,
  type RefusingProxy,
} from './cli-proxy';
import { startTestStack, type TestStack } from './stack';

/** What a real-CLI suite works with: the stack, the proxies around the CLI, its temp folders. */
export interface CliHarness {
  readonly stack: TestStack;
  /** Records what the CLI sent, in front of the gateway. */
  readonly clientSide: RecordingProxy;
  /** The CLI's HTTP(S) proxy: refuses all outside traffic and remembers what was tried. */
  readonly offline: RefusingProxy;
  readonly dirs: TempDirs;
}

/**
 * Registers the suite's beforeAll/afterAll: fail at once if the CLI is not installed, start the test
 * stack and both proxies, and on the way out kill any CLI still running and remove every temp folder.
 */
export function useCliHarness(cliPath: string, npmPackage: string): CliHarness {
  let stack: TestStack | undefined;
  let clientSide: RecordingProxy | undefined;
  let offline: RefusingProxy | undefined;
  const dirs = new TempDirs();
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the CLI harness has not started (beforeAll failed?)');
    return value;
  };

  beforeAll(async () => {
    requireInstalled(cliPath, npmPackage);
    stack = await startTestStack();
    clientSide = await startRecordingProxy(stack.gateway.url);
    offline = await startRefusingProxy();
  });

  afterAll(async () => {
    killRunningClis();
    await clientSide?.close();
    await offline?.close();
    await stack?.close();
    dirs.removeAll();
  });

  return {
    get stack() {
      return started(stack);
    },
    get clientSide() {
      return started(clientSide);
    },
    get offline() {
      return started(offline);
    },
    dirs,
  };
}

// Child processes of the bench (each pinned with taskset) and what /proc says about them.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';

export function tasksetAvailable() {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process (all its threads), in clock ticks. */
export function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "pid (comm) ": state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Busy clock ticks of the whole machine (all CPUs, steal included) from /proc/stat. */
export function machineBusyTicks() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq + (steal || 0);
}

/** VmRSS and VmHWM (peak) in kB, and the CPUs the process may run on. */
export function memStatus(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => status.match(new RegExp(`^${name}:\\s+(.+)$`, 'm'))?.[1]?.trim();
  const kb = (name) => {
    const v = field(name);
    return v ? Number.parseInt(v, 10) : null;
  };
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM'), cpus: field('Cpus_allowed_list') ?? null };
}

/** The local addresses sockets in LISTEN state use for `port` (from /proc/net/tcp and tcp6). */
export function listenAddresses(port) {
  const out = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue;
      const [hexAddr, hexPort] = cols[1].split(':');
      if (Number.parseInt(hexPort, 16) !== port) continue;
      out.push(decodeAddress(hexAddr));
    }
  }
  return out;
}

function decodeAddress(hex) {
  if (hex.length === 8) {
    const n = Number.parseInt(hex, 16);
    return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
  }
  // IPv6: four little-endian 32-bit words.
  const words = hex.match(/.{8}/g).map((w) => w.match(/../g).reverse().join(''));
  const full = words.join('').match(/.{4}/g).join(':');
  if (full === '0000:0000:0000:0000:0000:0000:0000:0000') return '::';
  if (full === '0000:0000:0000:0000:0000:0000:0000:0001') return '::1';
  return full;
}

/** A free TCP port on loopback (closed again before use; good enough on a quiet machine). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Servers get a small, fixed environment (not the caller's): the same for every target, and free of
 * unrelated variables (NODE_OPTIONS, *_FILE, proxies) that would change what is measured.
 */
function minimalEnv() {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
}

/** Starts, tracks and stops the bench's child processes. Only ever signals pids it spawned. */
export class Children {
  constructor({ pin, logDir }) {
    this.pin = pin;
    this.logDir = logDir;
    this.list = [];
  }

  /**
   * Spawns `node <args>` pinned to `cpu` (taskset execs node, so the pid is node's own).
   * With `readyLine`, stdout is a pipe and the first JSON line with `ready` is returned.
   */
  async start(name, args, { cpu, env, cwd, readyLine = false, readyTimeoutMs = 30_000 }) {
    const logFile = `${this.logDir}/${name}.log`;
    const fd = openSync(logFile, 'a');
    const command = this.pin ? 'taskset' : process.execPath;
    const argv = this.pin ? ['-c', String(cpu), process.execPath, ...args] : args;
    const child = spawn(command, argv, {
      cwd,
      env: { ...minimalEnv(), ...env },
      stdio: ['ignore', readyLine ? 'pipe' : fd, fd],
    });
    closeSync(fd);
    const entry = { name, child, pid: child.pid, logFile, exited: null };
    this.list.push(entry);
    child.once('exit', (code, signal) => {
      entry.exited = { code, signal };
    });
    if (!readyLine) return entry;
    const info = await new Promise((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(
        () => reject(new Error(`${name}: not ready after ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      );
      const onExit = (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) before it was ready; see ${logFile}`));
      };
      child.once('exit', onExit);
      child.stdout.on('data', (chunk) => {
        buf += chunk.toString('utf8');
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          try {
            const msg = JSON.parse(line);
            if (msg && msg.ready) {
              clearTimeout(timer);
              child.off('exit', onExit);
              resolve(msg);
            }
          } catch {
            // not the ready line
          }
        }
      });
    });
    child.stdout.resume();
    entry.info = info;
    return entry;
  }

  alive(entry) {
    return entry.exited === null;
  }

  /** SIGTERM, then SIGKILL after `graceMs`, for one child. */
  async stop(entry, graceMs = 3000) {
    if (!this.alive(entry)) return;
    const exited = new Promise((r) => entry.child.once('exit', r));
    try {
      process.kill(entry.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut && this.alive(entry)) {
      try {
        process.kill(entry.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await Promise.race([exited, sleep(1000)]);
    }
  }

  async stopAll() {
    await Promise.all(this.list.map((e) => this.stop(e)));
  }

  /** Last resort on process exit: SIGKILL every child still alive. */
  killAllSync() {
    for (const e of this.list) {
      if (e.exited !== null) continue;
      try {
        process.kill(e.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** Polls `url` with GET until it answers 200 (and `bodyIncludes`, if given), bounded in time. */
export async function waitForHttp(url, { timeoutMs = 30_000, bodyIncludes, isAlive = () => true } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the process exited while waiting for ${url}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const text = await res.text();
      if (res.status === 200 && (!bodyIncludes || text.includes(bodyIncludes))) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Pids of the broker connections whose client named itself `name` (tabular output: the JSON one has no usable pid). */
export async function connectionPids(name: string): Promise<string[]> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties']);
  const pids: string[] = [];
  for (const line of stdout.split('\n').slice(1)) {
    const [pid, props] = line.split('\t');
    const m = /\{"connection_name","([^"]*)"\}/.exec(props ?? '');
    if (pid && m && m[1] === name) pids.push(pid);
  }
  return pids;
}

/** Pids of the channels open on those connections: a channel closed and opened again gets a new pid. */
export async function channelPids(name: string): Promise<string[]> {
  const connections = new Set(await connectionPids(name));
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_channels', 'connection', 'pid']);
  return stdout
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .filter(([connection, pid]) => connection !== undefined && pid !== undefined && connections.has(connection))
    .map(([, pid]) => pid as string);
}

/** Closes those connections from the server side, as an operator or a broker restart would. */
export async function closeConnectionsNamed(name: string, reason = 'closed by test'): Promise<number> {
  const pids = await connectionPids(name);
  for (const pid of pids) await run('rabbitmqctl', ['-q', 'close_connection', pid, reason]);
  return pids.length;
}

/** Every queue of the default vhost with its declared arguments, as the broker reports them. */
export async function listQueues(): Promise<Map<string, Record<string, unknown>>> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_queues', 'name', 'arguments', '--formatter', 'json']);
  const rows = JSON.parse(stdout) as Array<{ name: string; arguments: Record<string, unknown> | Array<[string, string, unknown]> }>;
  return new Map(rows.map((r) => [r.name, Array.isArray(r.arguments) ? Object.fromEntries(r.arguments.map((a) => [a[0], a[2]])) : r.arguments]));
}

import { connectorNames, loadConnector } from './registry';

/** `list`: one line per connector: name, type, what it imports. */
export function listCommand(): number {
  const names = connectorNames();
  if (names.length === 0) {
    process.stderr.write('no connectors found (run npm run build)\n');
    return 1;
  }
  const rows = names.map((n) => {
    const def = loadConnector(n);
    return [def.name, def.type, `${def.description} [${def.imports.join(', ')}]`];
  });
  const w0 = Math.max(...rows.map((r) => r[0]!.length));
  const w1 = Math.max(...rows.map((r) => r[1]!.length));
  for (const [a, b, c] of rows) process.stdout.write(`${a!.padEnd(w0)}  ${b!.padEnd(w1)}  ${c}\n`);
  return 0;
}

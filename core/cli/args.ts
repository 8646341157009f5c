/** `octi-connector <command> [name] [--config FILE]`: the only options the contract has. */
export interface CliArgs {
  command: string | undefined;
  name: string | undefined;
  configPath: string | undefined;
  problems: string[];
}

export function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = { command: undefined, name: undefined, configPath: undefined, problems: [] };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--config' || a === '-c') {
      const v = argv[++i];
      if (v === undefined) out.problems.push(`${a} needs a file path`);
      else out.configPath = v;
    } else if (a.startsWith('--config=')) out.configPath = a.slice('--config='.length);
    else if (a === '--help' || a === '-h') positional.unshift('help');
    else if (a.startsWith('-')) out.problems.push(`unknown option ${a}`);
    else positional.push(a);
  }
  [out.command, out.name] = positional;
  if (positional.length > 2) out.problems.push(`unexpected argument ${positional[2]}`);
  return out;
}

export const USAGE = `usage: octi-connector <command> [connector] [--config FILE]
  run <connector>       run a connector on its schedule (or once with CONNECTOR_RUN_AND_TERMINATE=true)
  list                  the available connectors
  check <connector>     validate the configuration and reach every configured endpoint
  new <name>            scaffold connectors/<name>/ from templates/
  manifest <connector>  the connector's manifest and configuration JSON Schema
  demo                  run the example connector on a bundled sample served on 127.0.0.1, into ./out/example`;

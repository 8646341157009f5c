import { OctiError, isOctiError } from '../errors';
import { parseArgs, USAGE } from './args';
import { checkCommand } from './check';
import { demoCommand } from './demo';
import { listCommand } from './list';
import { manifestCommand } from './manifest';
import { newCommand } from './new';
import { runCommand } from './run';

/** Entry point of `octi-connector`; returns the exit code (0 ok, 1 failure, 2 configuration/usage). */
export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.problems.length > 0) {
    process.stderr.write(`${args.problems.join('\n')}\n${USAGE}\n`);
    return 2;
  }
  const needName = (what: string): string => {
    if (!args.name) throw new OctiError('OCTI_ERR_CONFIG_INVALID', `${what} needs a connector name\n${USAGE}`, { exitCode: 2 });
    return args.name;
  };
  try {
    switch (args.command) {
      case 'run':
        return await runCommand(needName('run'), args.configPath);
      case 'list':
        return listCommand();
      case 'check':
        return await checkCommand(needName('check'), args.configPath);
      case 'manifest':
        return manifestCommand(needName('manifest'));
      case 'new':
        return await newCommand(needName('new'));
      case 'demo':
        return await demoCommand();
      case 'help':
      case undefined:
        process.stdout.write(`${USAGE}\n`);
        return args.command === 'help' ? 0 : 2;
      default:
        process.stderr.write(`unknown command "${args.command}"\n${USAGE}\n`);
        return 2;
    }
  } catch (err) {
    if (isOctiError(err) && err.expected) {
      process.stderr.write(`octi-connector: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`octi-connector: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

import { promises as fs } from 'node:fs';
import { join, relative } from 'node:path';
import { OctiError } from '../errors';
import { packageRoot } from './version';

const TEMPLATE = 'external-import';
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The placeholder spellings of a connector name, as the template uses them. */
export function placeholders(name: string): Record<string, string> {
  const words = name.split('-');
  return {
    __PASCAL__: words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(''),
    __TITLE__: words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' '),
    __SECTION__: name.replace(/-/g, '_'),
    __ENV__: name.replace(/-/g, '_').toUpperCase(),
    __NAME__: name,
  };
}

function render(text: string, values: Record<string, string>): string {
  let out = text;
  for (const [k, v] of Object.entries(values)) out = out.split(k).join(v);
  return out;
}

async function copyTree(from: string, to: string, values: Record<string, string>, written: string[]): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  for (const entry of await fs.readdir(from, { withFileTypes: true })) {
    const target = join(to, render(entry.name, values));
    if (entry.isDirectory()) await copyTree(join(from, entry.name), target, values, written);
    else {
      await fs.writeFile(target, render(await fs.readFile(join(from, entry.name), 'utf8'), values), { flag: 'wx' });
      written.push(target);
    }
  }
}

/**
 * `new <name>`: scaffolds connectors/<name>/ from templates/external-import. The name must be kebab-case and new;
 * the result builds, is listed, and passes its own generated test at once.
 */
export async function newCommand(name: string, root = packageRoot()): Promise<number> {
  if (!NAME.test(name)) {
    throw new OctiError('OCTI_ERR_CONFIG_INVALID', `"${name}" is not a valid connector name: lowercase letters, digits and single hyphens, starting with a letter`, { exitCode: 2 });
  }
  const target = join(root, 'connectors', name);
  if (await fs.stat(target).then(() => true, () => false)) {
    throw new OctiError('OCTI_ERR_CONFIG_INVALID', `connectors/${name} already exists: choose another name or remove it`, { exitCode: 2 });
  }
  const written: string[] = [];
  await copyTree(join(root, 'templates', TEMPLATE), target, placeholders(name), written);
  process.stdout.write(`created ${relative(process.cwd(), target) || target}:\n${written.map((f) => `  ${relative(target, f)}`).sort().join('\n')}\n`);
  process.stdout.write(`next: npm run build && npx octi-connector list; npx jest connectors/${name}\n`);
  return 0;
}

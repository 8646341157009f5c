import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The project's root folder: where package.json is, two levels up from core/cli or three from dist/core/cli. */
export function packageRoot(): string {
  for (const up of ['../..', '../../..']) {
    const dir = resolve(__dirname, up);
    const file = resolve(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string };
    if (pkg.name === 'octi-connectors') return dir;
  }
  return resolve(__dirname, '../..');
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(resolve(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

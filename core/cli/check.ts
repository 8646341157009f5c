import type { CheckLine } from '../contract/connector';
import { isOctiError } from '../errors';
import { createHttpClient } from '../http/client';
import { checkPlatform } from '../platform/link';
import { loadOrExplain } from '../runtime/process';
import { loadConnector } from './registry';

/**
 * `check <connector>`: validates the configuration (exit 2 on a problem), then reaches the platform (when
 * OPENCTI_URL is set) and each source the connector declares, without importing anything. Exit 1 if any fails.
 */
export async function checkCommand(name: string, configPath: string | undefined): Promise<number> {
  const def = loadConnector(name);
  const loaded = loadOrExplain(def, { configPath });
  if ('exitCode' in loaded) return loaded.exitCode;
  const { cfg, log } = loaded;
  const signal = AbortSignal.timeout(120_000);
  const lines: CheckLine[] = [{ target: 'configuration', ok: true, detail: cfg.configPath ? `valid (${cfg.configPath} + environment)` : 'valid (environment)' }];
  const attempt = async (target: string, fn: () => Promise<CheckLine[]>) => {
    try {
      lines.push(...(await fn()));
    } catch (err) {
      lines.push({ target, ok: false, detail: isOctiError(err) ? err.message : String((err as Error)?.message ?? err) });
    }
  };
  if (cfg.directoryMode) {
    lines.push({ target: 'platform', ok: true, detail: 'OPENCTI_URL unset: embedded default (directory sink, local state file)' });
  } else {
    await attempt('platform', () => checkPlatform(cfg.settings, log));
  }
  if (def.check) {
    const http = createHttpClient({ ...(def.http?.(cfg.config) ?? {}), log, retries: 1 });
    await attempt(def.name, () => def.check!({ config: cfg.config, settings: cfg.settings, log, http, signal }));
  }
  for (const l of lines) process.stdout.write(`${l.ok ? 'ok  ' : 'FAIL'}  ${l.target}: ${l.detail}\n`);
  return lines.every((l) => l.ok) ? 0 : 1;
}

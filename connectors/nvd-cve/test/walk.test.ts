import { afterDelivery, MAX_WINDOW_MS, startWalk, windowEnd, type Walk } from '../walk';
import { nvdTimestamp } from '../convert';
import { toNvdDate } from '../client';

const NOW = new Date('2024-06-01T00:00:00.000Z');

describe('nvd-cve walk', () => {
  it('starts from the last end, else the import date, else the whole catalogue; nothing when already there', () => {
    expect(startWalk(null, undefined, NOW)).toEqual({ until: NOW.toISOString(), window_start: '', start_index: 0, total_results: null });
    expect(startWalk(null, '2024-01-01T00:00:00.000Z', NOW)?.window_start).toBe('2024-01-01T00:00:00.000Z');
    expect(startWalk({ done_until: '2024-05-01T00:00:00.000Z', walk: null }, '2020-01-01T00:00:00.000Z', NOW)?.window_start).toBe('2024-05-01T00:00:00.000Z');
    expect(startWalk({ done_until: NOW.toISOString(), walk: null }, undefined, NOW)).toBeNull();
    const saved: Walk = { until: '2024-05-20T00:00:00.000Z', window_start: '2024-05-01T00:00:00.000Z', start_index: 4000, total_results: 4200 };
    expect(startWalk({ done_until: '', walk: saved }, undefined, NOW)).toBe(saved);
  });

  it('cuts windows at 120 days and at the walk end', () => {
    const walk: Walk = { until: NOW.toISOString(), window_start: '2023-01-01T00:00:00.000Z', start_index: 0, total_results: null };
    expect(Date.parse(windowEnd(walk)) - Date.parse(walk.window_start)).toBe(MAX_WINDOW_MS);
    expect(windowEnd({ ...walk, window_start: '2024-05-01T00:00:00.000Z' })).toBe(NOW.toISOString());
    expect(windowEnd({ ...walk, window_start: '' })).toBe(NOW.toISOString());
  });

  it('moves within a window, then to the next window, then ends the walk', () => {
    const walk: Walk = { until: NOW.toISOString(), window_start: '2024-01-01T00:00:00.000Z', start_index: 2000, total_results: 4100 };
    expect(afterDelivery(walk, 500, 4100, 'prev')).toEqual({ done_until: 'prev', walk: { ...walk, start_index: 2500 } });
    const next = afterDelivery({ ...walk, start_index: 4000 }, 100, 4100, 'prev');
    expect(next).toEqual({ done_until: 'prev', walk: { until: walk.until, window_start: '2024-04-30T00:00:00.000Z', start_index: 0, total_results: null } });
    expect(afterDelivery(next.walk!, 0, 0, 'prev')).toEqual({ done_until: NOW.toISOString(), walk: null });
  });

  it('writes and reads NVD dates as zone-less UTC', () => {
    expect(toNvdDate('2024-01-31T10:00:00Z')).toBe('2024-01-31T10:00:00.000');
    expect(nvdTimestamp('2023-03-14T17:08:31.140')).toBe('2023-03-14T17:08:31.140Z');
    expect(nvdTimestamp('2023-03-14T17:08:31+02:00')).toBe('2023-03-14T15:08:31.000Z');
    expect(nvdTimestamp('not a date')).toBeUndefined();
  });
});

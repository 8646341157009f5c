import { StateError } from '../../../core';
import { previousStandardId, toStreamEvent } from '../convert';
import { PendingBatch } from '../pending';
import { initialStart, StreamPosition } from '../position';

const NOW = new Date('2024-05-01T12:00:00.000Z');

describe('start point', () => {
  it('asks for everything with a replay up to now on a first run without a start date', () => {
    expect(initialStart(null, undefined, NOW)).toEqual({ from: '0-0', recover: NOW.toISOString() });
  });

  it('asks for the start date with a replay up to now', () => {
    expect(initialStart(null, '2024-01-01T00:00:00.000Z', NOW)).toEqual({ from: '2024-01-01T00:00:00.000Z', recover: NOW.toISOString() });
  });

  it('resumes a saved position without replay', () => {
    expect(initialStart({ start_from: '1714564800000-3' }, '2024-01-01T00:00:00.000Z', NOW)).toEqual({ from: '1714564800000-3' });
  });

  it('finishes an interrupted replay: from the saved position up to the replay date it had asked for', () => {
    const recover = '2024-04-30T00:00:00.000Z';
    expect(initialStart({ start_from: '1704067200000-0', recover_until: recover }, undefined, NOW)).toEqual({ from: '1704067200000-0', recover });
    // once the position passed the replay date, the replay is over
    expect(initialStart({ start_from: '1714500000000-0', recover_until: recover }, undefined, NOW)).toEqual({ from: '1714500000000-0' });
  });

  it('refuses a saved state without a usable start_from instead of starting over silently', () => {
    expect(() => initialStart({ start_from: '' }, undefined, NOW)).toThrow(StateError);
  });
});

describe('stream position', () => {
  it('commits an id only once the remote has moved past it (dependencies share their event id)', () => {
    const p = new StreamPosition({ from: '100-0' });
    p.dataEvent('200-0'); // a dependency of event 200-0
    expect(p.checkpoint()).toEqual({ start_from: '100-0' });
    p.dataEvent('200-0'); // the event itself
    expect(p.checkpoint()).toEqual({ start_from: '100-0' });
    p.dataEvent('300-0');
    expect(p.checkpoint()).toEqual({ start_from: '200-0' });
    expect(p.open).toBe('300-0');
  });

  it('takes the position a heartbeat carries, and a repeated id only after a whole quiet period', () => {
    const p = new StreamPosition({ from: '100-0' });
    p.dataEvent('300-0');
    expect(p.heartbeat('300-0')).toBe(false); // events came in this period: 300-0 may still be in progress
    expect(p.checkpoint()).toEqual({ start_from: '100-0' });
    expect(p.heartbeat('300-0')).toBe(false); // a quiet period: 300-0 is done, but the remote has not moved on
    expect(p.checkpoint()).toEqual({ start_from: '300-0' });
    expect(p.heartbeat('900-0')).toBe(true); // quiet and past the last event: caught up
    expect(p.checkpoint()).toEqual({ start_from: '900-0' });
  });

  it('is caught up only after a quiet period at a position past the last event', () => {
    const p = new StreamPosition({ from: '100-0' });
    p.dataEvent('300-0');
    expect(p.heartbeat('900-0')).toBe(false); // events came in this period
    expect(p.heartbeat('950-0')).toBe(true);
    expect(new StreamPosition({ from: '100-0' }).heartbeat('100-0')).toBe(true); // nothing at all to send
  });

  it('keeps the replay date in the state until the position reaches it, then resumes without replay', () => {
    const p = new StreamPosition({ from: '0-0', recover: new Date(1000).toISOString() });
    expect(p.recovering).toBe(true);
    p.heartbeat('500-0');
    expect(p.checkpoint()).toEqual({ start_from: '500-0', recover_until: '1970-01-01T00:00:01.000Z' });
    expect(p.resume()).toEqual({ from: '500-0', recover: '1970-01-01T00:00:01.000Z' });
    p.heartbeat('1500-0');
    expect(p.recovering).toBe(false);
    expect(p.checkpoint()).toEqual({ start_from: '1500-0' });
    expect(p.resume()).toEqual({ from: '1500-0' });
  });

  it('forgets the open group on a new connection, which resends it from the last complete id', () => {
    const p = new StreamPosition({ from: '100-0' });
    p.dataEvent('200-0');
    p.dataEvent('300-0');
    p.connected();
    expect(p.resume()).toEqual({ from: '200-0' });
    expect(p.open).toBeNull();
  });
});

describe('pending batch', () => {
  const ev = (id: string) => ({ id, type: 'create' as const, data: { id: 'x--1', type: 'x' } });
  it('is due when full or when its oldest event waited the maximum delay', () => {
    const b = new PendingBatch(3, 100);
    expect(b.msUntilDue(0)).toBe(Number.POSITIVE_INFINITY);
    b.add(ev('1-0'), 1000);
    b.add(ev('2-0'), 1050);
    expect(b.msUntilDue(1060)).toBe(40);
    expect(b.full).toBe(false);
    b.add(ev('3-0'), 1070);
    expect(b.full).toBe(true);
    expect(b.take().map((e) => e.id)).toEqual(['1-0', '2-0', '3-0']);
    expect(b.size).toBe(0);
  });

  it('drops only the trailing events of a cut group', () => {
    const b = new PendingBatch(10, 100);
    for (const id of ['1-0', '2-0', '2-0']) b.add(ev(id), 0);
    expect(b.dropTrailing('2-0')).toBe(2);
    expect(b.take().map((e) => e.id)).toEqual(['1-0']);
  });
});

describe('event conversion', () => {
  const payload = (extra: Record<string, unknown>) => JSON.stringify({ version: '4', type: 'update', data: { id: 'malware--1', type: 'malware', name: 'x' }, ...extra });

  it('takes previous_standard from the /id entry of the reverse patch', () => {
    const context = { patch: [], reverse_patch: [{ op: 'replace', path: '/name', value: 'old' }, { op: 'replace', path: '/id', value: 'malware--old' }] };
    const r = toStreamEvent('5-0', 'update', payload({ context }), { synchronized: true });
    expect(r).toEqual({ ok: true, event: { id: '5-0', type: 'update', data: { id: 'malware--1', type: 'malware', name: 'x' }, context, synchronized: true, previous_standard: 'malware--old' } });
    expect(previousStandardId({ reverse_patch: [{ op: 'add', path: '/labels' }] })).toBeNull();
    expect(previousStandardId(undefined)).toBeNull();
  });

  it("keeps the payload's own event_id beside the SSE id, when the payload has one", () => {
    const r = toStreamEvent('5-0', 'update', payload({ event_id: '4-7' }), { synchronized: false });
    expect(r).toMatchObject({ ok: true, event: { id: '5-0', event_id: '4-7' } });
    const without = toStreamEvent('5-0', 'update', payload({}), { synchronized: false });
    expect(without.ok && 'event_id' in without.event).toBe(false);
  });

  it('skips what the worker cannot apply, saying why', () => {
    expect(toStreamEvent('5-0', 'create', 'not json', { synchronized: false })).toEqual({ ok: false, reason: 'event 5-0: data is not JSON' });
    expect(toStreamEvent('5-0', 'create', payload({ version: '3' }), { synchronized: false })).toEqual({ ok: false, reason: 'event 5-0: payload version "3" (only 4 is supported)' });
    expect(toStreamEvent('5-0', 'create', JSON.stringify({ version: '4', data: {} }), { synchronized: false })).toMatchObject({ ok: false });
  });
});

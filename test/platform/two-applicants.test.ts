import type { OpenCtiStandin } from '../opencti-standin';
import { ALICE, BOB, linkTo, manyIndicators, runInfo, startStandin } from './helpers/fixture';
import { waitFor } from './helpers/wait';

describe('one token per connector = one applicant per source', () => {
  let standin: OpenCtiStandin;
  beforeAll(async () => {
    standin = await startStandin();
  });
  afterAll(async () => {
    await standin.stop();
  });

  it("two connectors with two tokens carry two applicants, each their own token's user", async () => {
    const alice = await linkTo(standin, { token: ALICE.token, name: 'Feed A' });
    const bob = await linkTo(standin, { token: BOB.token, name: 'Feed B' });
    try {
      expect(alice.link.connectorUserId).toBe(ALICE.user.id);
      expect(bob.link.connectorUserId).toBe(BOB.user.id);
      for (const linked of [alice, bob]) {
        const sink = linked.link.queueSink;
        await sink.startRun(runInfo(linked));
        await sink.deliver({ objects: manyIndicators(4), events: [] });
        await sink.endRun({ ok: true, message: 'done' });
      }
      for (const [linked, user] of [[alice, ALICE.user], [bob, BOB.user]] as const) {
        const worker = standin.worker(linked.connectorId);
        await waitFor('the four messages', () => worker.received.length === 4);
        expect(worker.problems).toEqual([]);
        expect(new Set(worker.received.map((m) => m.applicantId))).toEqual(new Set([user.id]));
        expect(standin.connector(linked.connectorId).userId).toBe(user.id);
        expect(standin.worksOf(linked.connectorId).map((w) => w.userId)).toEqual([user.id]);
      }
      // each connector's requests went out with its own token only
      const byUser = (id: string) => standin.requests.filter((r) => r.variables.id === id || r.variables.connectorId === id).map((r) => r.userId);
      expect(new Set(byUser(alice.connectorId))).toEqual(new Set([ALICE.user.id]));
      expect(new Set(byUser(bob.connectorId))).toEqual(new Set([BOB.user.id]));
    } finally {
      await alice.link.close();
      await bob.link.close();
    }
  });
});

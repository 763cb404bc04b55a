import { describe, expect, it } from 'vitest';
import { renderDashboard, type DashboardView } from '../../../src/demo/dashboard.js';

const view: DashboardView = {
  startedMs: 1_000,
  step: 'killing the FUSE client',
  mounts: [{ name: 'rep_vol1', state: 'failed', sinceMs: 3_000, server: '10.213.5.100:24007', latencyMs: 12, remounts: 1 }],
  events: Array.from({ length: 20 }, (_, index) => ({ atMs: 1_000 + index * 1_000, text: `event ${index}` })),
  mails: [{ atMs: 4_000, subject: '[ha-mount] client: rep_vol1 healthy -> failed' }],
  writer: { ok: 40, failed: 3, failingSinceMs: 4_500 },
};

describe('renderDashboard', () => {
  it('when a mount is failed then its row shows state, time in state, server, latency and remounts', () => {
    const lines = renderDashboard(view, 5_000, { colour: false });
    expect(lines).toContain('rep_vol1     failed     2s       10.213.5.100:24007   12ms     1');
  });
  it('when there are more events than fit then only the newest are shown', () => {
    const lines = renderDashboard(view, 5_000, { colour: false, maxEvents: 3 });
    expect(lines.filter((line) => line.includes('event '))).toEqual(['  t+17s     event 17', '  t+18s     event 18', '  t+19s     event 19']);
  });
  it("when the user's writer is failing then the line says for how long", () => {
    const lines = renderDashboard(view, 5_000, { colour: false });
    expect(lines.some((line) => line.includes('40 ok, 3 failed or blocked; FAILING for 500ms'))).toBe(true);
  });
  it('when colour is on then the state is painted and the mail list counts mails', () => {
    const lines = renderDashboard(view, 5_000, { colour: true });
    expect(lines.some((line) => line.includes('\x1b[31mfailed'))).toBe(true);
    expect(lines).toContain('MAIL RECEIVED BY THE LOCAL SMTP SERVER (1)');
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRunStale } from '../../../src/lab/cleanup.js';
import { type LabState, StateStore, createState, isStateConfined, parseState, readStateFiles } from '../../../src/lab/state.js';

function sampleState(overrides: Partial<LabState> = {}): LabState {
  const state = createState({
    prefix: 'hm3fa2',
    owner: { pid: 4242, startTime: 1000 },
    bootId: 'boot-1',
    dir: '/tmp/ha-mount-lab-hm3fa2',
    etcDir: '/run/ha-mount-lab/hm3fa2',
    now: new Date('2026-01-01T00:00:00Z'),
  });
  return { ...state, namespaces: ['hm3fa2-sw', 'hm3fa2-gfs1'], route: '10.213.57.0/24', ...overrides };
}

describe('parseState', () => {
  it('when a state is written and read back then it is the same', () => {
    const state = sampleState({ processes: [{ pid: 10, startTime: 20, name: 'glusterd', host: 'gfs1' }] });
    expect(parseState(JSON.stringify(state))).toEqual(state);
  });

  it('when the text is not a lab state then it is rejected rather than guessed', () => {
    expect(parseState('not json')).toBeUndefined();
    expect(parseState('{"version":2}')).toBeUndefined();
    expect(parseState(JSON.stringify({ ...sampleState(), processes: [{ pid: 'x' }] }))).toBeUndefined();
  });
});

describe('isStateConfined', () => {
  it('when every name and path carries the run prefix then the state may be swept', () => {
    expect(isStateConfined(sampleState())).toBe(true);
  });

  it('when a state names a namespace, folder or route outside its run then it is never swept', () => {
    expect(isStateConfined(sampleState({ namespaces: ['other-gfs1'] }))).toBe(false);
    expect(isStateConfined(sampleState({ dir: '/' }))).toBe(false);
    expect(isStateConfined(sampleState({ dir: '/tmp/../etc-hm3fa2' }))).toBe(false);
    expect(isStateConfined(sampleState({ folders: ['/home'] }))).toBe(false);
    expect(isStateConfined(sampleState({ route: '0.0.0.0/0' }))).toBe(false);
    expect(isStateConfined(sampleState({ mountNamespaceFiles: ['/proc/1/ns/mnt'] }))).toBe(false);
  });
});

describe('isRunStale', () => {
  const alive = (pid: number, startTime: number): boolean => pid === 4242 && startTime === 1000;

  it('when the owner process still runs then the run is live', () => {
    expect(isRunStale(sampleState(), 'boot-1', alive)).toBe(false);
  });

  it('when the owner is gone or its pid was reused then the run is stale', () => {
    expect(isRunStale(sampleState({ owner: { pid: 4243, startTime: 1000 } }), 'boot-1', alive)).toBe(true);
    expect(isRunStale(sampleState({ owner: { pid: 4242, startTime: 999 } }), 'boot-1', alive)).toBe(true);
  });

  it('when the machine rebooted since then the run is stale', () => {
    expect(isRunStale(sampleState(), 'boot-2', alive)).toBe(true);
  });
});

describe('StateStore and readStateFiles', () => {
  it('when a change is made then it is on disk before the caller goes on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-state-'));
    const file = join(dir, 'hm3fa2.json');
    const store = new StateStore(file, sampleState());
    store.update((state) => {
      state.namespaces.push('hm3fa2-client');
    });
    expect(JSON.parse(readFileSync(file, 'utf8')).namespaces).toContain('hm3fa2-client');
  });

  it('when the folder holds foreign, corrupt or misnamed files then only confined states are listed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-state-'));
    writeFileSync(join(dir, 'hm3fa2.json'), JSON.stringify(sampleState()));
    writeFileSync(join(dir, 'other.json'), JSON.stringify(sampleState()));
    writeFileSync(join(dir, 'broken.json'), '{');
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect(readStateFiles(dir).map((run) => run.state.prefix)).toEqual(['hm3fa2']);
    expect(readStateFiles(join(dir, 'missing'))).toEqual([]);
  });
});

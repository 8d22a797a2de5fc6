/** `thidua audit anchor` and `audit verify --anchor/--public-key`, through `main()` from the sources. */
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runMain, STANDINGS_QUERY, tempWorkdir, writeCampaignFile } from '../run-cli.test-helper';

describe('thidua audit anchor', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  beforeAll(async () => {
    dir = await tempWorkdir('anchor');
    await writeCampaignFile(dir.file('campaign.ndjson'));
    await writeFile(dir.file('key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(dir.file('key.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    await writeFile(dir.file('other.pub.pem'), generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    expect((await runMain(['--store', dir.store('log.db'), 'exec', dir.file('campaign.ndjson')])).code).toBe(0);
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('takes a signed anchor, records it in the store, writes it out and prints it', async () => {
    const run = await runMain(['--store', dir.store('log.db'), 'audit', 'anchor', '--key', dir.file('key.pem'), '--out', dir.file('anchor.json')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('audit anchor: position 25 of');
    expect(run.stderr).toContain('signed, recorded in the store');
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(printed).toEqual({
      position: '25',
      streams: 5,
      tipsDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      eventsDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      anchoredAt: expect.any(String),
      signature: expect.any(String),
    });
    expect(JSON.parse(await readFile(dir.file('anchor.json'), 'utf8'))).toEqual(printed);
    const db = new Database(join(dir.path, 'log.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT anchor FROM thidua_anchors').pluck().all().map((text) => JSON.parse(text as string))).toEqual([printed]);
    } finally {
      db.close();
    }

    const verified = await runMain(['--store', dir.store('log.db'), 'audit', 'verify', '--anchor', dir.file('anchor.json'), '--public-key', dir.file('key.pub.pem'), '--format', 'json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      sound: true,
      anchors: { checked: 2, stored: 1 },
      lastSignedAnchor: { position: '25' },
      eventsAfterLastSignedAnchor: 0,
    });
    const text = await runMain(['--store', dir.store('log.db'), 'audit', 'verify', '--public-key', dir.file('key.pub.pem')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('anchors: passed (the log extends 1 anchor (1 recorded in the store))');
    expect(text.stdout).toContain('0 events after the last signed anchor (position 25');
  });

  it("quotes the latest signed anchor in an HTML report's provenance", async () => {
    const before = await runMain(['--store', dir.store('unanchored.db'), 'exec', dir.file('campaign.ndjson')]);
    expect(before.code).toBe(0);
    const plain = await runMain(['--store', dir.store('unanchored.db'), ...STANDINGS_QUERY, '--format', 'html']);
    expect(plain.stdout).not.toContain('mốc neo (anchor)');
    const report = await runMain(['--store', dir.store('log.db'), ...STANDINGS_QUERY, '--format', 'html']);
    expect(report.code).toBe(0);
    const stored = JSON.parse(await readFile(dir.file('anchor.json'), 'utf8')) as { tipsDigest: string; anchoredAt: string };
    expect(report.stdout).toContain(`mốc neo (anchor) <code>position 25, ${stored.anchoredAt}, tips ${stored.tipsDigest}</code>`);
  });

  it('is unsound when a stored anchor does not hold under the public key', async () => {
    const run = await runMain(['--store', dir.store('log.db'), 'audit', 'verify', '--public-key', dir.file('other.pub.pem')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\[anchor-signatures\] the signature of the stored anchor .* does not hold under the public key/);
    expect(run.stderr).toContain('no anchor signed under the public key: all 25 events are unanchored');
  });

  it('exits 2 for an anchor or key file that cannot be read or is not one, before opening the store', async () => {
    await writeFile(dir.file('broken.json'), '{"position": 3}');
    const missing = await runMain(['--store', dir.store('log.db'), 'audit', 'verify', '--anchor', dir.file('nowhere.json')]);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain(`cannot read anchor file ${dir.file('nowhere.json')}: no such file`);
    const broken = await runMain(['--store', dir.store('log.db'), 'audit', 'verify', '--anchor', dir.file('broken.json'), '--format', 'json']);
    expect(broken.code).toBe(2);
    expect(JSON.parse(broken.stderr)).toMatchObject({ error: { code: 'invalid_anchor', source: dir.file('broken.json') }, exitCode: 2 });
    const publicAsPrivate = await runMain(['--store', dir.store('log.db'), 'audit', 'anchor', '--key', dir.file('key.pub.pem')]);
    expect(publicAsPrivate.code).toBe(2);
    expect(publicAsPrivate.stderr).toContain('is not a usable Ed25519 key');
    const notAKey = await runMain(['--store', dir.store('log.db'), 'audit', 'verify', '--public-key', dir.file('campaign.ndjson')]);
    expect(notAKey.code).toBe(2);
    expect(notAKey.stderr).toContain('invalid_key');
  });

  it('exits 3 when the store cannot be reached', async () => {
    const run = await runMain(['--store', 'postgres://thidua@127.0.0.1:1/test', 'audit', 'verify', '--format', 'json']);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'store_unavailable' }, exitCode: 3 });
  });
});

/**
 * Drives Debian's chromium (playwright-core, no downloaded browser) over the built site, served locally:
 * every page renders without console errors, math renders, a results figure loads, the API reference
 * lists every package, and the playground trains. Screenshots go to apps/docs/test-output/.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSite } from './serve.js';

const docs = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(docs, '.vitepress/dist');
const shots = join(docs, 'test-output');

let context: BrowserContext;
let base: string;
let close: () => Promise<void>;

/** Every HTML page of the built site, as a URL path. */
function pages(): string[] {
  return readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html') && f !== '404.html')
    .map((f) => `/${f.split('\\').join('/')}`)
    .sort();
}

/** Opens a page and collects console errors, uncaught exceptions and failed requests. */
async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  await page.goto(base + path, { waitUntil: 'networkidle' });
  return { page, errors };
}

beforeAll(async () => {
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  ({ base, context, close } = await openSite(dist, 'ffnn-docs-chromium-'));
});

afterAll(async () => {
  await close?.();
});

describe('the built docs site', () => {
  it('renders every page without console errors', async () => {
    const all = pages();
    expect(all.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const path of all) {
      const { page, errors } = await open(path);
      const h1 = await page.locator('.VPContent h1, .VPHero .name').first().textContent({ timeout: 10_000 }).catch(() => null);
      if (!h1) problems.push(`${path}: no title rendered`);
      problems.push(...errors.map((e) => `${path}: ${e}`));
      if (path === '/index.html') await page.screenshot({ path: join(shots, 'home.png'), fullPage: true });
      await page.close();
    }
    console.log(`${all.length} pages visited`);
    expect(problems).toEqual([]);
  }, 600_000); // ~100 pages (the API reference has a page per module)

  it('renders math', async () => {
    for (const path of ['/theory/losses.html', '/theory/optimizers.html']) {
      const { page, errors } = await open(path);
      const count = await page.locator('mjx-container').count();
      expect(count, `${path}: MathJax elements`).toBeGreaterThan(5);
      // MathJax SVG output: every formula has drawn glyphs, not raw TeX.
      expect(await page.locator('mjx-container svg').count()).toBe(count);
      expect(await page.locator('.vp-doc').textContent()).not.toContain('\\frac');
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('shows the results figures (or says plainly that none were generated)', async (ctx) => {
    const status = JSON.parse(readFileSync(join(docs, '.generated/results-status.json'), 'utf8')) as { generated: boolean; reason: string; figures: number };
    const { page, errors } = await open('/results/');
    if (!status.generated) {
      await expect(page.locator('h1').textContent()).resolves.toContain('Results not generated');
      await page.screenshot({ path: join(shots, 'results.png'), fullPage: true });
      await page.close();
      ctx.skip(`no results were generated for this build: ${status.reason}`);
      return;
    }
    expect(status.figures).toBeGreaterThan(0);
    const links = await page.locator('.vp-doc a[href^="./"], .vp-doc a[href^="/results/"]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
    let loaded = 0;
    let shot = false;
    for (const path of [...new Set(links)]) {
      const p = await open(path);
      const imgs = p.page.locator('.vp-doc img');
      const n = await imgs.count();
      for (let i = 0; i < n; i++) {
        const img = imgs.nth(i);
        await img.scrollIntoViewIfNeeded();
        await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete), { timeout: 10_000 }).toBe(true);
        const width = await img.evaluate((el) => (el as HTMLImageElement).naturalWidth);
        expect(width, `${path}: image ${i} (${await img.getAttribute('src')})`).toBeGreaterThan(0);
        loaded++;
      }
      if (n > 0 && !shot) {
        const first = p.page.locator('.vp-doc img').first();
        await first.scrollIntoViewIfNeeded();
        await p.page.screenshot({ path: join(shots, 'results.png') });
        shot = true;
        // Click-to-zoom: the figure opens at least as large as it was shown, and Escape closes it.
        const shown = (await first.boundingBox())!.width;
        await first.click();
        const zoomed = p.page.getByTestId('zoom').locator('img');
        await expect.poll(async () => (await zoomed.boundingBox())?.width ?? 0).toBeGreaterThanOrEqual(shown);
        await p.page.keyboard.press('Escape');
        await expect.poll(() => p.page.getByTestId('zoom').count()).toBe(0);
      }
      expect(p.errors, path).toEqual([]);
      await p.page.close();
    }
    console.log(`${loaded} result figures loaded`);
    expect(loaded).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('has an API reference entry for every package', async () => {
    const packages = readdirSync(join(docs, '../../packages')).filter((d) => existsSync(join(docs, '../../packages', d, 'src/index.ts')));
    expect(packages.length).toBeGreaterThanOrEqual(6);
    const { page, errors } = await open('/api/');
    for (const name of packages) {
      const link = page.locator(`.vp-doc a:has-text("@ffnn/${name}")`).first();
      await expect(link.count()).resolves.toBe(1);
      const href = await link.evaluate((a) => (a as HTMLAnchorElement).pathname);
      const p = await open(href);
      await expect(p.page.locator('.vp-doc h1').first().textContent()).resolves.toContain(`@ffnn/${name}`);
      // One page per source module, listed on the package's page; each is a real reference with documented entries.
      const modules = await p.page.locator('.vp-doc h3 a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
      expect(modules.length, `@ffnn/${name} modules`).toBeGreaterThan(0);
      const m = await open(modules[0]!);
      await expect(m.page.locator('.vp-doc h1').first().textContent()).resolves.toContain(`@ffnn/${name}`);
      expect(await m.page.locator('.vp-doc h3').count(), `@ffnn/${name} ${modules[0]} entries`).toBeGreaterThan(0);
      expect(m.errors).toEqual([]);
      await m.page.close();
      expect(p.errors).toEqual([]);
      await p.page.close();
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trains in the Runge playground: the loss it shows decreases', async () => {
    const { page, errors } = await open('/playground/runge.html');
    const status = page.getByTestId('status');
    await page.getByTestId('epochs').fill('80');
    await expect.poll(() => page.getByTestId('train').isEnabled(), { timeout: 20_000 }).toBe(true);
    await page.getByTestId('train').click();
    await expect.poll(async () => Number(await status.getAttribute('data-epoch')), { timeout: 90_000 }).toBe(80);
    const first = Number(await status.getAttribute('data-first-loss'));
    const last = Number(await status.getAttribute('data-loss'));
    const backend = await page.getByTestId('backend').getAttribute('data-backend');
    console.log(`playground: train MSE ${first} after epoch 1, ${last} after epoch 80, backend ${backend}`);
    // The package's WebAssembly SIMD kernels load in the browser (one thread: the page is not cross-origin isolated).
    expect(backend).toBe('wasm-simd (1 thread)');
    expect(Number.isFinite(first) && Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(first / 5);
    // The page shows the same number it reports.
    await expect(status.textContent()).resolves.toContain(last < 0.01 ? last.toExponential(3) : last.toFixed(4));
    await page.getByTestId('fit-chart').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'playground-runge.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('activation explorer: the backward pass and the live central difference agree, except at the ReLU kink', async () => {
    const { page, errors } = await open('/explain/activations.html');
    const readout = page.getByTestId('act-readout');
    await expect.poll(() => readout.getAttribute('data-rel-error'), { timeout: 30_000 }).not.toBeNull();
    // tanh at z₀ = 1: tanh′(1) = 1 − tanh²(1).
    expect(Number(await readout.getAttribute('data-analytic'))).toBeCloseTo(1 - Math.tanh(1) ** 2, 12);
    expect(Number(await readout.getAttribute('data-rel-error'))).toBeLessThan(1e-8);
    await page.getByTestId('act-name').selectOption('relu');
    await page.getByTestId('act-z0').fill('0');
    await expect.poll(async () => Number(await readout.getAttribute('data-numeric'))).toBeCloseTo(0.5, 8);
    expect(Number(await readout.getAttribute('data-analytic'))).toBe(0);
    await page.getByTestId('act-z0').fill('2.5');
    await expect.poll(async () => Number(await readout.getAttribute('data-analytic'))).toBe(1);
    expect(Number(await readout.getAttribute('data-rel-error'))).toBeLessThan(1e-8);
    // The chart is drawn: some pixels of the canvas are not transparent.
    const painted = await page.getByTestId('act-chart').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(1000);
    await page.screenshot({ path: join(shots, 'explain-activations.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('backprop step-through: steps appear one at a time and the gradients pass gradCheck', async () => {
    const { page, errors } = await open('/explain/backprop.html');
    const status = page.getByTestId('bp-status');
    await expect.poll(async () => Number(await status.getAttribute('data-total')), { timeout: 30_000 }).toBeGreaterThan(5);
    const total = Number(await status.getAttribute('data-total'));
    await expect(page.getByTestId('bp-step').count()).resolves.toBe(1);
    await page.getByTestId('bp-next').click();
    await expect(page.getByTestId('bp-step').count()).resolves.toBe(2);
    await page.getByTestId('bp-all').click();
    await expect(page.getByTestId('bp-step').count()).resolves.toBe(total);
    expect(await page.getByTestId('bp-step').last().getAttribute('data-pass')).toBe('check');
    expect(Number(await page.getByTestId('bp-check').getAttribute('data-worst'))).toBeLessThan(1e-7);
    await page.getByTestId('bp-hidden').selectOption('sigmoid');
    await expect(page.getByTestId('bp-step').count()).resolves.toBe(1);
    await page.screenshot({ path: join(shots, 'explain-backprop.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('optimizer paths: every optimizer goes downhill, a larger SGD rate diverges', async () => {
    const { page, errors } = await open('/explain/optimizers.html');
    const row = (o: string) => page.getByTestId(`opt-row-${o}`);
    await expect.poll(() => row('adam').getAttribute('data-loss'), { timeout: 30_000 }).not.toBeNull();
    for (const o of ['sgd', 'momentum', 'rmsprop', 'adam']) {
      expect(Number(await row(o).getAttribute('data-loss')), o).toBeLessThan(Number(await row(o).getAttribute('data-start-loss')) / 2);
      expect(Number(await row(o).getAttribute('data-steps')), o).toBe(100);
    }
    await page.getByTestId('opt-lr-sgd').fill('0.25');
    await expect.poll(async () => Number(await row('sgd').getAttribute('data-loss'))).toBeGreaterThan(1);
    await page.getByTestId('opt-surface').selectOption('rosenbrock');
    await expect.poll(async () => Number(await row('adam').getAttribute('data-steps'))).toBe(1000);
    expect(Number(await row('adam').getAttribute('data-loss'))).toBeLessThan(0.01);
    await page.screenshot({ path: join(shots, 'explain-optimizers.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('classifies a drawn digit in the MNIST playground', async () => {
    const { page, errors } = await open('/playground/mnist.html');
    await expect.poll(() => page.getByTestId('mnist-status').getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    const box = (await page.getByTestId('mnist-canvas').boundingBox())!;
    // A vertical stroke: a "1".
    await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.15);
    await page.mouse.down();
    for (let k = 1; k <= 20; k++) await page.mouse.move(box.x + box.width * (0.52 - 0.004 * k), box.y + box.height * (0.15 + 0.035 * k));
    await page.mouse.up();
    const probs = page.getByTestId('mnist-probs');
    await expect.poll(async () => Number(await probs.getAttribute('data-sum')), { timeout: 10_000 }).toBeCloseTo(1, 6);
    expect(await probs.getAttribute('data-top')).toBe('1');
    await page.screenshot({ path: join(shots, 'playground-mnist.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

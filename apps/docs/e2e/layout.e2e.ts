/**
 * Layout of every page of the built site at a desktop (1280 px) and a phone (390 px) width, in Debian's
 * chromium: nothing sticks out sideways, and no figure is shown smaller than it can be read.
 *
 * - Overflow: the page itself must not scroll sideways, and no element of the content may reach past the
 *   content column unless it sits in a box that scrolls sideways on purpose (code, tables, equations,
 *   figures). Such an element is clipped or covers the margin: a reader cannot see all of it.
 * - Legibility: a figure drawn at width w (its `data-natural-width`, else the image's own width) is
 *   never rendered narrower than 0.75·w; the charts' 11 px labels would fall below 8 px.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSite } from './serve.js';

const docs = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(docs, '.vitepress/dist');
/** Smallest rendered/drawn width ratio of a figure. */
const LEGIBLE_SCALE = 0.75;

let context: BrowserContext;
let base: string;
let close: () => Promise<void>;

function pages(): string[] {
  return readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html') && f !== '404.html')
    .map((f) => `/${f.split('\\').join('/')}`)
    .sort();
}

beforeAll(async () => {
  ({ base, context, close } = await openSite(dist, 'ffnn-docs-layout-'));
});

afterAll(async () => {
  await close?.();
});

/** What sticks out and which figures are too small on the open page (runs in the browser). */
function inspect(scale: number): { overflow: string[]; small: string[]; figures: number } {
  const name = (el: Element) => {
    const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60);
    return `<${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? ` class="${el.className}"` : ''}> "${text}"`;
  };
  const overflow: string[] = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) overflow.push(`the page is ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window`);
  const root = document.querySelector('.vp-doc') ?? document.querySelector('.VPContent');
  if (root) {
    const box = root.getBoundingClientRect();
    const scrolls = (el: Element): boolean => {
      for (let p = el.parentElement; p && p !== root.parentElement; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox === 'auto' || ox === 'scroll') return true;
      }
      return false;
    };
    for (const el of Array.from(root.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      // Invisible until hovered (VitePress's "#" heading anchors sit in the margin on purpose).
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || style.opacity === '0') continue;
      // On phones VitePress runs code blocks to the screen's edges on purpose: their limit is the screen.
      const bleeds = el.closest('div[class*="language-"]') !== null;
      const [lo, hi] = bleeds ? [0, doc.clientWidth] : [box.left, box.right];
      if ((r.right > hi + 1 || r.left < lo - 1) && !scrolls(el)) overflow.push(`${name(el)} spans ${Math.round(r.left)}–${Math.round(r.right)} px, the column ${Math.round(lo)}–${Math.round(hi)} px`);
    }
  }
  const small: string[] = [];
  let figures = 0;
  for (const img of Array.from(document.querySelectorAll<HTMLImageElement>('.vp-doc img'))) {
    const drawn = Number(img.dataset.naturalWidth) || img.naturalWidth;
    if (drawn < 200) continue; // icons and badges
    figures++;
    const shown = img.getBoundingClientRect().width;
    if (shown < scale * drawn) small.push(`${img.getAttribute('src')}: drawn ${drawn} px wide, shown at ${Math.round(shown)} px (${((100 * shown) / drawn).toFixed(0)}%)`);
  }
  return { overflow: overflow.slice(0, 8), small, figures };
}

describe('every page at desktop and phone width', () => {
  for (const width of [1280, 390]) {
    it(`has no sideways overflow and no illegibly small figure at ${width} px`, async () => {
      const all = pages();
      expect(all.length).toBeGreaterThan(20);
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      const problems: string[] = [];
      let figures = 0;
      for (const path of all) {
        // Pages with live widgets load their code after hydration: wait for the network to settle there.
        await page.goto(base + path, { waitUntil: /^\/(explain|playground)\//.test(path) ? 'networkidle' : 'load' });
        // Lazy images: load them all, so every figure has its own size before it is measured.
        await page.evaluate(async () => {
          const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('.vp-doc img'));
          imgs.forEach((i) => (i.loading = 'eager'));
          await Promise.all(imgs.filter((i) => !i.complete).map((i) => new Promise((r) => ((i.onload = r), (i.onerror = r)))));
          // Web fonts change line widths; Vue lays out after hydration.
          await document.fonts.ready;
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        });
        const found = await page.evaluate(inspect, LEGIBLE_SCALE);
        figures += found.figures;
        problems.push(...found.overflow.map((o) => `${path} at ${width} px: overflow: ${o}`), ...found.small.map((s) => `${path} at ${width} px: small figure: ${s}`));
      }
      await page.close();
      console.log(`${all.length} pages at ${width} px: ${figures} figures measured, ${problems.length} problems`);
      expect(problems).toEqual([]);
    }, 600_000);
  }
});

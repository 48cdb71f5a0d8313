import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** The Chromium binary the end-to-end tests drive: `CHROMIUM_PATH`, else Debian's `chromium`. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium. Fails with what to do when it is not installed: the UI tests never skip.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the web UI end-to-end test needs it. ` +
        "Install Debian's package (sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary.",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}

/** The browser's image decoding, as {@link colourStats} uses it. */
interface BrowserImaging {
  createImageBitmap(blob: Blob): Promise<{ readonly width: number; readonly height: number }>;
  OffscreenCanvas: new (
    width: number,
    height: number,
  ) => {
    getContext(kind: '2d'): {
      drawImage(image: unknown, x: number, y: number): void;
      getImageData(x: number, y: number, w: number, h: number): { readonly data: Uint8ClampedArray };
    } | null;
  };
}

/** Pixel counts of a decoded image. */
export interface ColourStats {
  readonly width: number;
  readonly height: number;
  /** Pixels farther than the tolerance from the background colour. */
  readonly nonBackground: number;
  /** Distinct RGB values. */
  readonly distinctColours: number;
  /** Per requested colour (by its `#rrggbb`), the pixels within the tolerance of it. */
  readonly matches: Readonly<Record<string, number>>;
}

/**
 * Decodes a PNG (a screenshot) in the browser and counts its pixels: those off the background, the
 * distinct colours, and those matching each of `colours` within `tolerance` per channel.
 */
export async function colourStats(
  page: Page,
  png: Buffer,
  options: { readonly background: string; readonly colours: readonly string[]; readonly tolerance: number },
): Promise<ColourStats> {
  return page.evaluate(
    async ({ base64, background, colours, tolerance }) => {
      const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
      // Browser globals, typed here because the tests compile without the DOM library.
      const browser = globalThis as unknown as BrowserImaging;
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await browser.createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new browser.OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d');
      if (context === null) throw new Error('no 2d context');
      context.drawImage(bitmap, 0, 0);
      const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
      const bg = rgb(background);
      const targets = colours.map(rgb);
      const matches = colours.map(() => 0);
      const distinct = new Set<number>();
      let nonBackground = 0;
      const near = (r: number, g: number, b: number, c: number[]) =>
        Math.abs(r - c[0]!) <= tolerance &&
        Math.abs(g - c[1]!) <= tolerance &&
        Math.abs(b - c[2]!) <= tolerance;
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i]!;
        const g = data[i + 1]!;
        const b = data[i + 2]!;
        distinct.add((r << 16) | (g << 8) | b);
        if (!near(r, g, b, bg)) nonBackground += 1;
        targets.forEach((c, t) => {
          if (near(r, g, b, c)) matches[t]! += 1;
        });
      }
      return {
        width: bitmap.width,
        height: bitmap.height,
        nonBackground,
        distinctColours: distinct.size,
        matches: Object.fromEntries(colours.map((c, t) => [c, matches[t]!])),
      };
    },
    { base64: png.toString('base64'), ...options, colours: [...options.colours] },
  );
}

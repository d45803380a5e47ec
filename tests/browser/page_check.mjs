// Drives the page of `lumi server web` in Debian's headless chromium and reports what its canvas shows, as one JSON
// line on stdout. Run by tests/Lumi.Cli.Tests/Server/WebPageTests.cs, which asserts on the report:
//   node page_check.mjs URL IMAGE OUTPUT_DIR
// 1. open the page, read the class colours from its legend, upload IMAGE through the file input;
// 2. read the canvas pixels: every box of the API's answer at or above the slider must be stroked in its class colour
//    where the API put it;
// 3. move the slider with the keyboard past the median probability: the boxes now below it must be gone from the
//    pixels (the image's own pixels are back on their edges), the others still drawn;
// 4. save screenshots of the page before and after into OUTPUT_DIR;
// 5. drop the image on the drop zone under another name: the page asks the API again.
import { readFile } from "node:fs/promises";
import { chromium } from "playwright-core";

const [url, imagePath, outDir] = process.argv.slice(2);
if (!url || !imagePath || !outDir) {
  console.error("usage: node page_check.mjs URL IMAGE OUTPUT_DIR");
  process.exit(2);
}

/** Runs in the page: compares the canvas with the API's boxes at the slider's threshold. */
function inspectCanvas(colors) {
  const state = window.lumiPage, canvas = document.getElementById("canvas");
  const threshold = Number(document.getElementById("threshold").value);
  const w = canvas.width, h = canvas.height;
  const shown = canvas.getContext("2d").getImageData(0, 0, w, h).data;
  const plain = document.createElement("canvas");
  plain.width = w;
  plain.height = h;
  const plainContext = plain.getContext("2d");
  plainContext.drawImage(state.image, 0, 0, w, h);
  const original = plainContext.getImageData(0, 0, w, h).data;
  const objects = state.response.objects;
  const visible = objects.filter(o => o.prob >= threshold), hidden = objects.filter(o => o.prob < threshold);
  const line = state.drawn.length ? state.drawn[0].line : 3;
  const labels = state.drawn.map(d => d.labelRect);

  const rgb = (data, x, y) => { const i = 4 * (y * w + x); return [data[i], data[i + 1], data[i + 2]]; };
  const fromHex = c => [1, 3, 5].map(i => parseInt(c.slice(i, i + 2), 16));
  const close = (a, b, tolerance) => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
  // Whether pixel (x, y) may be touched by the stroke of box o (with a margin for antialiasing).
  const nearStroke = (o, x, y) => {
    const [x1, y1, x2, y2] = o.bbox, r = line / 2 + 1.5;
    const spanX = x + 1 > x1 - r && x < x2 + r, spanY = y + 1 > y1 - r && y < y2 + r;
    const onVertical = (Math.abs(x + 0.5 - x1) < r || Math.abs(x + 0.5 - x2) < r) && spanY;
    const onHorizontal = (Math.abs(y + 0.5 - y1) < r || Math.abs(y + 0.5 - y2) < r) && spanX;
    return onVertical || onHorizontal;
  };
  const underLabel = (x, y) => labels.some(([a, b, c, d]) => x + 1 > a - 1 && x < c + 1 && y + 1 > b - 1 && y < d + 1);
  // Pixels on the centre line of each edge of the box: a stroke of 3 px or more covers them fully.
  const edgePixels = o => {
    const [x1, y1, x2, y2] = o.bbox, points = [];
    for (let x = x1 + line; x <= x2 - line; x += 2) points.push([Math.floor(x), Math.floor(y1)], [Math.floor(x), Math.floor(y2)]);
    for (let y = y1 + line; y <= y2 - line; y += 2) points.push([Math.floor(x1), Math.floor(y)], [Math.floor(x2), Math.floor(y)]);
    return points.filter(([x, y]) => x >= 0 && y >= 0 && x < w && y < h);
  };

  const report = { threshold, width: w, height: h, line, visible: [], hidden: [] };
  for (const o of visible) {
    const color = fromHex(colors[o.label]);
    let checked = 0, matched = 0;
    for (const [x, y] of edgePixels(o)) {
      if (underLabel(x, y) || visible.some(p => p !== o && nearStroke(p, x, y))) continue;
      checked++;
      if (close(rgb(shown, x, y), color, 2)) matched++;
    }
    report.visible.push({ label: o.label, prob: o.prob, bbox: o.bbox, checked, matched });
  }
  for (const o of hidden) {
    const color = fromHex(colors[o.label]);
    let checked = 0, unchanged = 0, colored = 0;
    for (const [x, y] of edgePixels(o)) {
      if (underLabel(x, y) || visible.some(p => nearStroke(p, x, y))) continue;
      checked++;
      const pixel = rgb(shown, x, y);
      if (close(pixel, rgb(original, x, y), 1)) unchanged++;
      if (close(pixel, color, 2) && !close(rgb(original, x, y), color, 2)) colored++;
    }
    report.hidden.push({ label: o.label, prob: o.prob, bbox: o.bbox, checked, unchanged, colored });
  }
  report.summary = document.getElementById("summary").textContent;
  return report;
}

const browser = await chromium.launch({
  executablePath: process.env.LUMI_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors = [];
  page.on("console", m => { if (m.type() === "error") pageErrors.push(m.text()); });
  page.on("pageerror", e => pageErrors.push(e.message));

  await page.goto(url);
  await page.waitForFunction(() => document.querySelectorAll("#legend li").length > 0);
  const colors = await page.$$eval("#legend li", items => Object.fromEntries(items.map(i => [i.dataset.class, i.dataset.color])));
  const model = await page.textContent("#model");

  await page.setInputFiles("#file", imagePath);
  await page.waitForFunction(() => window.lumiPage.response !== null && document.getElementById("canvas").style.display === "block");
  const response = await page.evaluate(() => window.lumiPage.response);
  const shownJson = JSON.parse(await page.textContent("#json"));
  const before = await page.evaluate(inspectCanvas, colors);
  await page.screenshot({ path: `${outDir}/page-before-slider.png`, fullPage: true });

  // The slider moves in steps of 0.01: go to the first step above the median probability.
  const probabilities = response.objects.map(o => o.prob).sort((a, b) => a - b);
  const median = probabilities[Math.floor(probabilities.length / 2)] ?? 0.5;
  let target = Math.ceil(median * 100) / 100;
  if (target <= median) target += 0.01;
  const start = Number(await page.inputValue("#threshold"));
  const presses = Math.max(0, Math.round((target - start) / 0.01));
  await page.focus("#threshold");
  for (let i = 0; i < presses; i++) await page.keyboard.press("ArrowRight");
  const after = await page.evaluate(inspectCanvas, colors);
  await page.screenshot({ path: `${outDir}/page-after-slider.png`, fullPage: true });
  await page.locator("#canvas").screenshot({ path: `${outDir}/canvas-after-slider.png` });

  // 5. The same image dropped on the drop zone (as a file dragged from the desktop) under another name.
  const bytes = (await readFile(imagePath)).toString("base64");
  await page.evaluate(base64 => {
    const data = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], "dropped.png", { type: "image/png" }));
    document.getElementById("drop").dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, bytes);
  await page.waitForFunction(() => window.lumiPage.response?.file === "dropped.png");
  const dropped = await page.evaluate(() => window.lumiPage.response);

  console.log(JSON.stringify({ model, colors, response, shownJson, presses, before, after, dropped, pageErrors }));
} finally {
  await browser.close();
}

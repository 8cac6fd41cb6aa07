/**
 * The what-if slider's frame rate in the page: the slider moves one step per animation frame (as a
 * drag does) and the time from the first to the last frame gives frames per second; the page's
 * own render time per frame (data-render-ms) says how much of the frame the recomputation took.
 */
import type { Page } from 'playwright-core';

export interface FrameMeasurement {
  frames: number;
  renders: number;
  fps: number;
  medianRenderMs: number;
  maxRenderMs: number;
}

export async function measureSliderFrames(page: Page, slider: 'lambda' | 'noise' | 'n', frames: number): Promise<FrameMeasurement> {
  return page.evaluate(
    async ([id, count]) => {
      const input = document.getElementById(`slider-${id}`) as HTMLInputElement;
      const app = document.getElementById('app') as HTMLElement;
      const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
      await nextFrame();
      const rendersBefore = Number(app.dataset.renders ?? 0);
      const renderMs: number[] = [];
      const start = await nextFrame();
      let last = start;
      for (let k = 0; k < count; k++) {
        // A drag across the slider and back.
        input.value = String(Math.round(200 + 600 * Math.abs(Math.sin((Math.PI * k) / count))));
        input.dispatchEvent(new Event('input', { bubbles: true }));
        last = await nextFrame();
        renderMs.push(Number(app.dataset.renderMs));
      }
      input.dispatchEvent(new Event('change', { bubbles: true }));
      await nextFrame();
      const sorted = [...renderMs].sort((a, b) => a - b);
      return {
        frames: count,
        renders: Number(app.dataset.renders) - rendersBefore - 1,
        fps: (1000 * count) / (last - start),
        medianRenderMs: sorted[Math.floor(sorted.length / 2)] as number,
        maxRenderMs: sorted[sorted.length - 1] as number,
      };
    },
    [slider, frames] as const,
  );
}

import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMainWindowOptions } from '#main/window/main-window-options.ts';
import {
  clampWindowState,
  DEFAULT_WINDOW_SIZE,
  type DisplayArea,
  type Rectangle,
  readWindowState,
  trackWindowState,
  WINDOW_STATE_FILE_NAME,
  writeWindowState,
} from '#main/window/window-state.ts';

const laptop: DisplayArea = { workArea: { x: 0, y: 25, width: 1440, height: 875 } };
const monitorOnTheRight: DisplayArea = { workArea: { x: 1440, y: 0, width: 2560, height: 1400 } };

describe('clampWindowState', () => {
  it('centers a first window on the primary display', () => {
    expect(clampWindowState(null, [laptop], laptop)).toEqual({
      bounds: { x: 80, y: 53, width: DEFAULT_WINDOW_SIZE.width, height: DEFAULT_WINDOW_SIZE.height },
      isMaximized: false,
    });
  });

  it('keeps a saved window that is fully visible', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1400, height: 900 }, isMaximized: true };
    expect(clampWindowState(saved, [laptop, monitorOnTheRight], laptop)).toEqual(saved);
  });

  it('re-centers on the primary display a window left on an unplugged monitor, keeping its size if it fits', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1000, height: 700 }, isMaximized: false };
    expect(clampWindowState(saved, [laptop], laptop)).toEqual({ bounds: { x: 220, y: 113, width: 1000, height: 700 }, isMaximized: false });
  });

  it('shrinks a window larger than its display (resolution lowered) and pulls it fully on screen', () => {
    const saved = { bounds: { x: -300, y: 0, width: 2000, height: 1200 }, isMaximized: false };
    expect(clampWindowState(saved, [laptop], laptop).bounds).toEqual({ x: 0, y: 25, width: 1440, height: 875 });
  });

  it('moves a window hanging off the edge back onto the display it is mostly on', () => {
    const saved = { bounds: { x: 1300, y: 800, width: 800, height: 600 }, isMaximized: false };
    expect(clampWindowState(saved, [laptop, monitorOnTheRight], laptop).bounds).toEqual({ x: 1440, y: 800, width: 800, height: 600 });
  });

  it('treats a barely visible sliver as not visible', () => {
    const saved = { bounds: { x: 1400, y: 100, width: 800, height: 600 }, isMaximized: false };
    expect(clampWindowState(saved, [laptop], laptop).bounds).toEqual({ x: 320, y: 163, width: 800, height: 600 });
  });
});

describe('window state file', () => {
  let directory: string;
  let filePath: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dex-console-window-'));
    filePath = join(directory, WINDOW_STATE_FILE_NAME);
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('round-trips, and reads a missing or damaged file as no saved state', async () => {
    expect(await readWindowState(filePath)).toBeNull();
    await writeWindowState(filePath, { bounds: { x: 10.4, y: 20, width: 900, height: 700 }, isMaximized: true });
    expect(await readWindowState(filePath)).toEqual({ bounds: { x: 10, y: 20, width: 900, height: 700 }, isMaximized: true });
    await writeFile(filePath, '{"bounds":');
    expect(await readWindowState(filePath)).toBeNull();
    await writeFile(filePath, '{"bounds":{"x":0,"y":0,"width":-5,"height":10},"isMaximized":false}');
    expect(await readWindowState(filePath)).toBeNull();
  });

  it('saves the normal bounds after moves settle and when the window closes', async () => {
    class FakeWindow extends EventEmitter {
      bounds: Rectangle = { x: 0, y: 0, width: 1000, height: 700 };
      maximized = false;
      getNormalBounds = () => this.bounds;
      isMaximized = () => this.maximized;
      isDestroyed = () => false;
    }
    const window = new FakeWindow();
    trackWindowState(window, { filePath, debounceMs: 20 });

    window.bounds = { x: 50, y: 60, width: 1100, height: 750 };
    window.emit('move');
    window.emit('resize');
    expect(await readWindowState(filePath)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await readWindowState(filePath)).toEqual({ bounds: { x: 50, y: 60, width: 1100, height: 750 }, isMaximized: false });

    window.maximized = true;
    window.emit('close');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(JSON.parse(await readFile(filePath, 'utf8'))).toEqual({ bounds: { x: 50, y: 60, width: 1100, height: 750 }, isMaximized: true });
  });
});

describe('main window options', () => {
  it('isolates the renderer and stays hidden until its first paint', () => {
    const options = createMainWindowOptions({
      preloadPath: '/opt/dex-console/dist/preload/index.cjs',
      state: { bounds: { x: 1, y: 2, width: 1000, height: 700 }, isMaximized: false },
      backgroundColor: '#111418',
    });
    expect(options).toMatchObject({ x: 1, y: 2, width: 1000, height: 700, show: false });
    expect(options.webPreferences).toMatchObject({
      preload: '/opt/dex-console/dist/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
  });
});

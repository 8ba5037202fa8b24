import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../profiles/atomic-write.ts';

/** The file name of the window state in Electron's `userData` directory. */
export const WINDOW_STATE_FILE_NAME = 'window-state.json';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What is remembered of the main window between runs. */
export interface WindowState {
  bounds: Rectangle;
  isMaximized: boolean;
}

/** A display as the window-state logic sees it (Electron's `Display.workArea`: the screen minus task bars and docks). */
export interface DisplayArea {
  workArea: Rectangle;
}

/** The size a new window gets, and the least it may be. */
export const DEFAULT_WINDOW_SIZE = Object.freeze({ width: 1280, height: 820 });
export const MIN_WINDOW_SIZE = Object.freeze({ width: 800, height: 560 });

/** How much of a saved window must lie on a display for it to count as visible (enough to grab the title bar). */
const MIN_VISIBLE = Object.freeze({ width: 120, height: 60 });

const ZRectangle = z.object({ x: z.int(), y: z.int(), width: z.int().positive(), height: z.int().positive() });
const ZWindowState = z.object({ bounds: ZRectangle, isMaximized: z.boolean() });

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

function centered(size: { width: number; height: number }, area: Rectangle): Rectangle {
  const width = Math.min(size.width, area.width);
  const height = Math.min(size.height, area.height);
  return {
    x: area.x + Math.round((area.width - width) / 2),
    y: area.y + Math.round((area.height - height) / 2),
    width,
    height,
  };
}

/**
 * Where the main window opens: the saved bounds when they are still visible on a connected
 * display (resized to fit that display and moved fully onto it), otherwise the saved (or
 * default) size centered on the primary display. Handles unplugged monitors and changed
 * resolutions.
 * @example clampWindowState(saved, screen.getAllDisplays(), screen.getPrimaryDisplay())
 */
export function clampWindowState(saved: WindowState | null, displays: readonly DisplayArea[], primary: DisplayArea): WindowState {
  const fallbackSize = saved?.bounds ?? DEFAULT_WINDOW_SIZE;
  if (saved === null) return { bounds: centered(fallbackSize, primary.workArea), isMaximized: false };

  let best: { area: Rectangle; visible: number } | null = null;
  for (const display of displays) {
    const visible = overlap(saved.bounds, display.workArea);
    if (visible.width < MIN_VISIBLE.width || visible.height < MIN_VISIBLE.height) continue;
    const size = visible.width * visible.height;
    if (best === null || size > best.visible) best = { area: display.workArea, visible: size };
  }
  if (best === null) return { bounds: centered(fallbackSize, primary.workArea), isMaximized: saved.isMaximized };

  const area = best.area;
  const width = Math.min(saved.bounds.width, area.width);
  const height = Math.min(saved.bounds.height, area.height);
  const x = Math.min(Math.max(saved.bounds.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(saved.bounds.y, area.y), area.y + area.height - height);
  return { bounds: { x, y, width, height }, isMaximized: saved.isMaximized };
}

/**
 * Reads the saved window state; a missing or unreadable file means "no saved state" (the
 * window then opens centered: losing a window position is not worth an error dialog).
 * @example const saved = await readWindowState(join(app.getPath('userData'), WINDOW_STATE_FILE_NAME));
 */
export async function readWindowState(filePath: string): Promise<WindowState | null> {
  try {
    const parsed = ZWindowState.safeParse(JSON.parse(await readFile(filePath, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Writes the window state atomically. */
export async function writeWindowState(filePath: string, state: WindowState): Promise<void> {
  const bounds = {
    x: Math.round(state.bounds.x),
    y: Math.round(state.bounds.y),
    width: Math.round(state.bounds.width),
    height: Math.round(state.bounds.height),
  };
  await writeFileAtomic(filePath, `${JSON.stringify({ bounds, isMaximized: state.isMaximized }, null, 2)}\n`);
}

/** The part of a `BrowserWindow` the state tracker reads. */
export interface TrackedWindow {
  /** The bounds when neither maximized nor minimized (what to restore). */
  getNormalBounds(): Rectangle;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

export interface TrackWindowStateOptions {
  filePath: string;
  /** How long moves and resizes settle before a write (default 500 ms). */
  debounceMs?: number;
  /** Told when a write fails (never fatal). */
  onError?: (error: unknown) => void;
}

/**
 * Saves a window's normal bounds and maximized flag when it moves, resizes or (un)maximizes
 * (debounced), and once more when it closes. Returns a function that writes now, for quit.
 * @example const flush = trackWindowState(window, { filePath, onError: (err) => log.warn({ err }, 'window state not saved') });
 */
export function trackWindowState(window: TrackedWindow, options: TrackWindowStateOptions): () => Promise<void> {
  const debounceMs = options.debounceMs ?? 500;
  let timer: NodeJS.Timeout | undefined;
  let last: WindowState | null = null;

  const capture = () => {
    if (!window.isDestroyed()) last = { bounds: window.getNormalBounds(), isMaximized: window.isMaximized() };
  };
  const flush = async () => {
    clearTimeout(timer);
    timer = undefined;
    capture();
    if (last === null) return;
    try {
      await writeWindowState(options.filePath, last);
    } catch (error) {
      options.onError?.(error);
    }
  };
  const schedule = () => {
    capture();
    clearTimeout(timer);
    timer = setTimeout(() => void flush(), debounceMs);
  };

  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event, schedule);
  window.on('close', () => void flush());
  return flush;
}

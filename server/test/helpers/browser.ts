import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium (installed by .ci/run); Playwright never downloads a browser here. */
const EXECUTABLE = process.env.TILL_TEST_CHROMIUM ?? "/usr/bin/chromium";

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (own cookies and storage) with the given viewport and options. */
  context(options?: Parameters<Browser["newContext"]>[0]): Promise<BrowserContext>;
  /** A page in a fresh context. */
  page(options?: Parameters<Browser["newContext"]>[0]): Promise<Page>;
  close(): Promise<void>;
}

/** Launches headless Chromium (Playwright gives it a fresh temporary profile and removes it on close). */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: EXECUTABLE,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const contexts: BrowserContext[] = [];
  const context = async (options?: Parameters<Browser["newContext"]>[0]) => {
    const created = await browser.newContext(options);
    contexts.push(created);
    return created;
  };
  return {
    browser,
    context,
    page: async (options) => (await context(options)).newPage(),
    close: async () => {
      await browser.close();
    },
  };
}

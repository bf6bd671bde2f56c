/** The colour scheme: follow the system, or a choice the visitor made (kept in localStorage). */
export type ThemeChoice = "system" | "light" | "dark";

const KEY = "till.theme";

export function storedTheme(): ThemeChoice | null {
  try {
    const value = localStorage.getItem(KEY);
    return value === "light" || value === "dark" || value === "system" ? value : null;
  } catch {
    return null;
  }
}

/** Applies a choice to the document: `data-theme` wins over the system preference in theme.css. */
export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", choice);
}

export function saveTheme(choice: ThemeChoice): void {
  applyTheme(choice);
  try {
    localStorage.setItem(KEY, choice);
  } catch {
    // Storage may be blocked (private mode, sandboxed frame): the choice then lasts for this page only.
  }
}

/** The scheme in effect now, for a toggle that flips it. */
export function effectiveTheme(): "light" | "dark" {
  const set = document.documentElement.getAttribute("data-theme");
  if (set === "light" || set === "dark") return set;
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** At start: the visitor's stored choice, else the page's default (a store may ask for dark), else the system. */
export function initTheme(fallback: ThemeChoice = "system"): void {
  applyTheme(storedTheme() ?? fallback);
}

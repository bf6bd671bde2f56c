import { useSyncExternalStore } from "react";
import { de } from "./locales/de.ts";
import { en, type Messages } from "./locales/en.ts";
import { es } from "./locales/es.ts";
import { pt } from "./locales/pt.ts";
import { ru } from "./locales/ru.ts";

/** The languages offered, each under its own name. A new language is one file in locales/ and a line here. */
export const LANGUAGES = {
  en: { name: "English", messages: en },
  de: { name: "Deutsch", messages: de },
  es: { name: "Español", messages: es },
  pt: { name: "Português", messages: pt },
  ru: { name: "Русский", messages: ru },
} as const satisfies Record<string, { name: string; messages: Messages }>;

export type Language = keyof typeof LANGUAGES;
export type MessageKey = keyof Messages;

/** Scripts written right to left: the document gets dir="rtl" and the layout uses logical CSS properties. */
const RIGHT_TO_LEFT = new Set(["ar", "fa", "he", "ur", "ps", "yi"]);

const KEY = "till.language";
const listeners = new Set<() => void>();

const isLanguage = (code: string | null | undefined): code is Language => !!code && code in LANGUAGES;

/** The stored choice, else the first of the browser's languages we have (by its primary subtag), else English. */
export function detectLanguage(): Language {
  try {
    const stored = localStorage.getItem(KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage may be blocked in a sandboxed frame.
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const primary = tag?.toLowerCase().split("-")[0];
    if (isLanguage(primary)) return primary;
  }
  return "en";
}

let current: Language = "en";

function applyToDocument(language: Language): void {
  document.documentElement.lang = language;
  document.documentElement.dir = RIGHT_TO_LEFT.has(language) ? "rtl" : "ltr";
}

export function initLanguage(): void {
  current = detectLanguage();
  applyToDocument(current);
}

export function setLanguage(language: Language): void {
  current = language;
  applyToDocument(language);
  try {
    localStorage.setItem(KEY, language);
  } catch {
    // Not persisted; the choice lasts for this page.
  }
  for (const listener of listeners) listener();
}

/** The message of a key in a language, with `{name}` placeholders filled in. */
export function translate(language: Language, key: MessageKey, values: Record<string, string | number> = {}): string {
  const template = LANGUAGES[language].messages[key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** The current language and its `t`; components re-render when the language changes. */
export function useI18n() {
  const language = useSyncExternalStore(subscribe, () => current);
  return {
    language,
    t: (key: MessageKey, values?: Record<string, string | number>) => translate(language, key, values),
  };
}

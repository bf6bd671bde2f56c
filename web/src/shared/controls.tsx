import { useState } from "react";
import { LANGUAGES, type Language, setLanguage, useI18n } from "./i18n.ts";
import { effectiveTheme, saveTheme } from "./theme.ts";

export function LanguageSwitcher() {
  const { language, t } = useI18n();
  return (
    <label className="switcher">
      <span className="visually-hidden">{t("language")}</span>
      <select
        value={language}
        onChange={(event) => setLanguage(event.target.value as Language)}
        data-testid="language"
        aria-label={t("language")}
      >
        {Object.entries(LANGUAGES).map(([code, { name }]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Flips between light and dark; the choice is kept, until then the system (or the store's default) decides. */
export function ThemeToggle() {
  const { t } = useI18n();
  const [theme, setTheme] = useState(effectiveTheme);
  const next = theme === "dark" ? "light" : "dark";
  return (
    <button
      type="button"
      className="icon-button"
      data-testid="theme-toggle"
      aria-label={next === "dark" ? t("theme_dark") : t("theme_light")}
      title={next === "dark" ? t("theme_dark") : t("theme_light")}
      onClick={() => {
        saveTheme(next);
        setTheme(next);
      }}
    >
      <span aria-hidden="true">{theme === "dark" ? "☀" : "☾"}</span>
    </button>
  );
}

export function Preferences() {
  return (
    <div className="preferences">
      <LanguageSwitcher />
      <ThemeToggle />
    </div>
  );
}

/** Copies a text to the clipboard and says so for a moment (also to screen readers). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      fallbackCopy(text);
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <button type="button" className="copy-button" onClick={copy} aria-label={label} title={label}>
      <span aria-live="polite">{copied ? t("copied") : t("copy")}</span>
    </button>
  );
}

/** Insecure origins (plain http on a LAN) have no clipboard API: copy through a hidden selection. */
function fallbackCopy(text: string): void {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}

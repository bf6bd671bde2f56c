import { useEffect, useState } from "react";

export type ThemeChoice = "system" | "light" | "dark";
const THEME_KEY = "till.admin.theme";

const readChoice = (): ThemeChoice => {
  const stored = localStorage.getItem(THEME_KEY);
  return stored === "light" || stored === "dark" ? stored : "system";
};

/** Applies the choice as `data-theme` on <html> (absent = follow the system) and persists it. */
function apply(choice: ThemeChoice): void {
  if (choice === "system") {
    document.documentElement.removeAttribute("data-theme");
    localStorage.removeItem(THEME_KEY);
  } else {
    document.documentElement.setAttribute("data-theme", choice);
    localStorage.setItem(THEME_KEY, choice);
  }
}

export const applyStoredTheme = () => apply(readChoice());

export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(readChoice);
  useEffect(() => apply(choice), [choice]);
  return [choice, setChoice];
}

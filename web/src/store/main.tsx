import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { initLanguage } from "../shared/i18n.ts";
import { initTheme } from "../shared/theme.ts";
import { StoreApp } from "./StoreApp.tsx";
import "../shared/theme.css";
import "../shared/ui.css";
import "./store.css";

initTheme();
initLanguage();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <StoreApp />
  </StrictMode>,
);

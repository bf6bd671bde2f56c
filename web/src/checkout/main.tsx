import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { initLanguage } from "../shared/i18n.ts";
import { initTheme } from "../shared/theme.ts";
import { CheckoutPage } from "./CheckoutPage.tsx";
import { inModal } from "./modal.ts";
import { RefundPage } from "./RefundPage.tsx";
import "../shared/theme.css";
import "../shared/ui.css";
import "./checkout.css";

initTheme();
initLanguage();
if (inModal()) document.documentElement.classList.add("in-modal");

/** One bundle, two pages: `/i/{invoice_id}` and `/refunds/{refund_id}`. */
function route() {
  const [, kind, id = ""] = location.pathname.split("/");
  const decoded = decodeURIComponent(id);
  if (kind === "refunds") return <RefundPage refundId={decoded} />;
  return <CheckoutPage invoiceId={decoded} />;
}

createRoot(document.getElementById("root")!).render(<StrictMode>{route()}</StrictMode>);

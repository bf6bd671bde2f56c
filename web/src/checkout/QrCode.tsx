import { toString as qrToSvg } from "qrcode";
import { useEffect, useState } from "react";

/** The QR code of a text as inline SVG (no canvas, crisp at any size). */
export function QrCode({ text, label }: { text: string; label: string }) {
  const [svg, setSvg] = useState("");
  useEffect(() => {
    let current = true;
    qrToSvg(text, { type: "svg", margin: 1, errorCorrectionLevel: "M", color: { dark: "#000000", light: "#ffffff" } })
      .then((markup) => current && setSvg(markup))
      .catch(() => current && setSvg(""));
    return () => {
      current = false;
    };
  }, [text]);
  return (
    <div
      className="qr"
      role="img"
      aria-label={label}
      data-testid="qr"
      data-qr-text={text}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: the SVG is generated locally by the qrcode library
      dangerouslySetInnerHTML={{ __html: svg }}
    />
  );
}

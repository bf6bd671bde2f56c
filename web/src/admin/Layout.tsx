import { type ReactNode, useState } from "react";
import { Link, usePath } from "./router.tsx";
import { useMe, useSession } from "./session.tsx";
import { type ThemeChoice, useTheme } from "./theme.ts";

const NAV = [
  { to: "/", label: "Dashboard" },
  { to: "/wallets", label: "Wallets" },
  { to: "/stores", label: "Stores" },
  { to: "/products", label: "Products" },
  { to: "/discounts", label: "Discounts" },
  { to: "/invoices", label: "Invoices" },
  { to: "/payouts", label: "Payouts" },
  { to: "/notifications", label: "Notifications" },
  { to: "/templates", label: "Templates" },
  { to: "/files", label: "Files" },
  { to: "/profile", label: "Profile" },
];

export function Layout({ children }: { children: ReactNode }) {
  const path = usePath();
  const me = useMe().data;
  const { signOut } = useSession();
  const [theme, setTheme] = useTheme();
  const [open, setOpen] = useState(false);
  const items = me?.is_superuser ? [...NAV, { to: "/server", label: "Server settings" }] : NAV;
  const active = (to: string) => (to === "/" ? path === "/" : path === to || path.startsWith(`${to}/`));
  return (
    <div className="shell">
      <header className="topbar">
        <button
          type="button"
          className="menu-button"
          aria-expanded={open}
          aria-controls="main-nav"
          onClick={() => setOpen(!open)}
        >
          Menu
        </button>
        <Link to="/" className="brand">
          Till
        </Link>
        <span className="spacer" />
        <label className="theme-picker">
          <span className="visually-hidden">Theme</span>
          <select aria-label="Theme" value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)}>
            <option value="system">System theme</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <span className="user-email">{me?.email}</span>
        <button type="button" onClick={() => signOut()}>
          Log out
        </button>
      </header>
      <nav id="main-nav" className={open ? "sidebar open" : "sidebar"} aria-label="Main">
        <ul>
          {items.map((item) => (
            <li key={item.to}>
              <Link to={item.to} aria-current={active(item.to) ? "page" : undefined} onClick={() => setOpen(false)}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}

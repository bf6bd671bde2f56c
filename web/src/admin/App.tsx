import { TillApiError } from "@till/sdk";
import { useEffect } from "react";
import { Layout } from "./Layout.tsx";
import { AuthPage } from "./pages/AuthPage.tsx";
import { Dashboard } from "./pages/Dashboard.tsx";
import { DiscountsPage } from "./pages/DiscountsPage.tsx";
import { ResetPasswordPage, VerifyEmailPage } from "./pages/EmailLinkPages.tsx";
import { FilesPage } from "./pages/FilesPage.tsx";
import { InvoicesPage } from "./pages/InvoicesPage.tsx";
import { NotificationsPage } from "./pages/NotificationsPage.tsx";
import { PayoutsPage } from "./pages/PayoutsPage.tsx";
import { ProductsPage } from "./pages/ProductsPage.tsx";
import { ProfilePage } from "./pages/ProfilePage.tsx";
import { ServerPage } from "./pages/ServerPage.tsx";
import { StoreSettingsPage } from "./pages/StoreSettingsPage.tsx";
import { StoresPage } from "./pages/StoresPage.tsx";
import { TemplatesPage } from "./pages/TemplatesPage.tsx";
import { WalletPage } from "./pages/WalletPage.tsx";
import { WalletsPage } from "./pages/WalletsPage.tsx";
import { usePath } from "./router.tsx";
import { useMe, useSession } from "./session.tsx";
import { ErrorBoundary } from "./ui/ErrorBoundary.tsx";

function Routes() {
  const path = usePath();
  const [, section, id] = path.split("/");
  switch (section) {
    case "":
      return <Dashboard />;
    case "wallets":
      return id ? <WalletPage id={decodeURIComponent(id)} /> : <WalletsPage />;
    case "stores":
      return id ? <StoreSettingsPage id={decodeURIComponent(id)} /> : <StoresPage />;
    case "products":
      return <ProductsPage />;
    case "discounts":
      return <DiscountsPage />;
    case "invoices":
      return <InvoicesPage />;
    case "payouts":
      return <PayoutsPage />;
    case "notifications":
      return <NotificationsPage />;
    case "templates":
      return <TemplatesPage />;
    case "files":
      return <FilesPage />;
    case "profile":
      return <ProfilePage />;
    case "server":
      return <ServerPage />;
    default:
      return (
        <div className="page">
          <h1>Page not found</h1>
        </div>
      );
  }
}

export function App() {
  const { token, signOut } = useSession();
  const me = useMe();
  const path = usePath();
  // A token the server no longer accepts (revoked, expired) sends the user back to the sign-in page.
  useEffect(() => {
    if (me.error instanceof TillApiError && me.error.status === 401) void signOut();
  }, [me.error, signOut]);
  // The links of the reset and verification emails work signed in or not.
  const [, section, code] = path.split("/");
  if (section === "forgotpassword" && code) return <ResetPasswordPage code={decodeURIComponent(code)} />;
  if (section === "verify" && code) return <VerifyEmailPage code={decodeURIComponent(code)} />;
  if (!token) return <AuthPage />;
  return (
    <Layout>
      <ErrorBoundary resetKey={path}>
        <Routes />
      </ErrorBoundary>
    </Layout>
  );
}

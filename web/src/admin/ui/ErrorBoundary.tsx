import { Component, type ReactNode } from "react";

/** Keeps the navigation usable when one page fails to render: the page shows the error instead of going blank. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey: string }) {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="page">
          <h1>This page could not be shown</h1>
          <p className="form-error" role="alert">
            {this.state.error.message}
          </p>
        </div>
      );
    }
    return this.props.children;
  }
}

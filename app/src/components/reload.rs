//! Reloading a view once a change to it has succeeded.

use crate::error::AppError;
use leptos::prelude::*;

/// Bumps `reload` each time `outcome` (an action's latest answer) turns out a success; a refusal
/// does not reload, so what someone typed stays for them to fix.
///
/// Call it, and create the action, in the component that owns the reloading resource, never in
/// a part that the reload redraws: an action whose component is gone drops its answer, and the
/// page keeps showing what was there before the change (a publish pressed while a save was still
/// reloading stayed "Draft" on screen).
pub fn on_success<T: 'static>(
    outcome: impl Fn() -> Option<Result<T, AppError>> + 'static,
    reload: RwSignal<u32>,
) {
    Effect::new(move |_| {
        if let Some(Ok(_)) = outcome() {
            reload.update(|n| *n = n.wrapping_add(1));
        }
    });
}

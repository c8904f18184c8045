#![recursion_limit = "256"]
//! The browser entry point: hydrates the server-rendered app.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Hydrated asynchronously (what `leptos::mount::hydrate_lazy` does), because a staff page's
    // code is split out of this bundle and may still be on its way (app/src/routes.rs).
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body, app::App).await.forget();
        // Lets tests and assistive scripts know the page is interactive.
        app::routes::mark_hydrated();
    });
}

//! The wasm entry point: hydrates the server-rendered page; nothing else lives here.

// Release builds type every view in full (debug builds erase components), and the
// page tree is deeper than the compiler's default query depth.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}

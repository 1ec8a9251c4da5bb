//! Links the module against the Node-API symbols of the loading `node` process.
fn main() {
    napi_build::setup();
}

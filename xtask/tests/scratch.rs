#[test]
fn scratch() {
    for (p, name) in [("/tmp/vpn-v5.yaml", "openapi/vpn-v5.yaml"), ("/work/main/openapi/ipsec-v2.yaml", "openapi/ipsec-v2.yaml")] {
        let spec = xtask::spec::parse(name, &std::fs::read_to_string(p).unwrap()).unwrap();
        let f = xtask::lint::lint(&spec);
        for x in &f { println!("{x}"); }
        let text = xtask::generate::generate_module(&spec).unwrap();
        std::fs::write(format!("/tmp/{}.rs", spec.module), text).unwrap();
    }
}

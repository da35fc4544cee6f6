//! The command tree: the global flags and the convenience subcommands (clap derive, every
//! command and flag documented here; `--help` shows it), joined with `hcvpn op ...`, the
//! subcommands built from the operation table at run time (`crate::ops`).

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

const ABOUT: &str =
    "Manage Huawei Cloud / Open Telekom Cloud site-to-site and point-to-client VPN resources";

const LONG_ABOUT: &str = "\
Manage Huawei Cloud / Open Telekom Cloud VPN resources: VPN gateways, customer gateways, VPN
connections and their monitors (VPN API v5), quotas, the legacy IPsec site connections (VPC API
v2.0), and point-to-client VPN (P2C gateways, their VPN servers, client CA certificates, users,
user groups and access policies; through `hcvpn op`).

Configuration comes from flags and the environment variables of the official SDKs:
  HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK    AK/SK credentials (requests are signed)
  HUAWEICLOUD_SDK_SECURITY_TOKEN            with temporary AK/SK
  HUAWEICLOUD_SDK_PROJECT_ID                the project (or --project-id)
  HCVPN_AUTH_TOKEN                          an IAM token instead of AK/SK
  HCVPN_REGION, HCVPN_CLOUD, HCVPN_ENDPOINT, HCVPN_IPSEC_ENDPOINT   as the flags below

Every operation of the API is a subcommand of `hcvpn op` (`hcvpn op --help` lists them), with
its parameters as flags; the resource commands below cover the common tasks with shorter names.

Request bodies are the API's JSON (`{\"vpn_connection\": {...}}`) from `--body FILE` or
`--body -` (standard input); convenience flags set the common fields and override the body.
Secrets are never taken as arguments: a pre-shared key comes from --psk-stdin, --psk-file or
HCVPN_PSK (any secret field <field>: --<field>-stdin, --<field>-file or HCVPN_<FIELD>; a VPN
user's password: --password-file, --password-stdin or HCVPN_PASSWORD). A secret in an answer
(a pre-shared key, an exported client configuration) is never printed: --secret-out FILE.

Output is the response body as pretty-printed JSON, or a table with `--output table`.

Exit codes: 0 success; 1 the API answered with an error, was unreachable, or a --wait failed
(status, code, message and request id go to stderr); 2 usage or configuration error.";

const AFTER_HELP: &str = "\
Examples:
  hcvpn --region eu-de --cloud otc gateway list --output table
  hcvpn connection create --vgw-id GW --vgw-ip EIP_ID --cgw-id CGW --peer-subnet 192.168.44.0/24 \\
        --psk-file psk.txt --wait
  hcvpn connection show 8ad3c8d6-... --output table
  hcvpn --endpoint http://127.0.0.1:8080 --project-id 0123456789abcdef0123456789abcdef --no-auth \\
        monitor list
  hcvpn op list-vpn-connections --vgw-id GW --all -o table";

/// `hcvpn`: the VPN API from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "hcvpn",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    propagate_version = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Command,
}

/// The whole command tree: the derived commands and `op` with one subcommand per operation.
pub fn command() -> clap::Command {
    Cli::command().subcommand(crate::ops::command())
}

/// Settings every command accepts (before or after the subcommand).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Global options")]
pub struct GlobalOpts {
    /// VPN API endpoint, e.g. https://vpn.eu-de.otc.t-systems.com or a local emulator's URL.
    /// Overrides --region. Also used for the legacy IPsec API unless --ipsec-endpoint is given.
    #[arg(long, global = true, env = "HCVPN_ENDPOINT", value_name = "URL")]
    pub endpoint: Option<String>,

    /// Endpoint of the legacy IPsec API (the VPC/network endpoint of the region).
    #[arg(long, global = true, env = "HCVPN_IPSEC_ENDPOINT", value_name = "URL")]
    pub ipsec_endpoint: Option<String>,

    /// Region id such as eu-de or cn-north-4; with --cloud it decides the endpoints.
    #[arg(long, global = true, env = "HCVPN_REGION", value_name = "REGION")]
    pub region: Option<String>,

    /// Which cloud the region belongs to.
    #[arg(
        long,
        global = true,
        env = "HCVPN_CLOUD",
        value_enum,
        default_value_t = CloudArg::Huawei
    )]
    pub cloud: CloudArg,

    /// Project id (32 hexadecimal characters) [default: HUAWEICLOUD_SDK_PROJECT_ID].
    #[arg(long, global = true, value_name = "ID")]
    pub project_id: Option<String>,

    /// Send requests without credentials (a local emulator, or a proxy that authenticates).
    #[arg(long, global = true)]
    pub no_auth: bool,

    /// Output format of results.
    #[arg(
        short,
        long,
        global = true,
        value_enum,
        default_value_t = OutputFormat::Json
    )]
    pub output: OutputFormat,

    /// Time limit for each API call, retries included, in seconds [default: 120].
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,

    /// Attempts per API call, the first included (1 disables retries) [default: 4].
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: Option<u32>,

    /// Do not tag creates with an idempotency token. By default the creates of VPN gateways,
    /// customer gateways and VPN connections carry the tag hcvpn-idempotency-token (a fresh
    /// UUID), and when a create's answer is lost, the resource it made is found by that tag
    /// and printed, instead of an error (or a second resource on a retry).
    #[arg(long, global = true)]
    pub no_idempotency_tag: bool,
}

/// The cloud of `--region`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CloudArg {
    /// Huawei Cloud (*.myhuaweicloud.com).
    Huawei,
    /// Open Telekom Cloud (*.otc.t-systems.com).
    Otc,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// The response body, pretty-printed JSON.
    Json,
    /// A table of the main columns (never shows pre-shared keys).
    Table,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// VPN connections (VPN API v5): IPsec tunnels between a VPN gateway and a customer gateway.
    #[command(subcommand)]
    Connection(ConnectionCmd),
    /// Connection monitors (VPN API v5): probes that watch a VPN connection.
    #[command(subcommand)]
    Monitor(MonitorCmd),
    /// VPN gateways (VPN API v5).
    #[command(subcommand)]
    Gateway(GatewayCmd),
    /// Customer gateways (VPN API v5): the on-premises end of a connection.
    #[command(subcommand, visible_alias = "cgw")]
    CustomerGateway(CustomerGatewayCmd),
    /// VPN quotas of the project (VPN API v5).
    #[command(subcommand)]
    Quota(QuotaCmd),
    /// Legacy IPsec site connections (VPC API v2.0, /v2.0/vpn/ipsec-site-connections).
    #[command(subcommand)]
    Ipsec(IpsecCmd),
}

// ----------------------------------------------------------------------------------------------
// Shared argument groups.

/// Where a request body comes from.
#[derive(Debug, Args, Clone, Default)]
pub struct BodyArg {
    /// The request body: a JSON file in the API's format, or `-` for standard input.
    /// Flags given as well override the fields of the body.
    #[arg(long, value_name = "FILE|-")]
    pub body: Option<PathBuf>,
}

/// Where a pre-shared key comes from (never an argument, which `ps` would show).
#[derive(Debug, Args, Clone, Default)]
pub struct PskArgs {
    /// Read the pre-shared key from standard input (one line from a terminal, else all input
    /// with the final newline removed).
    #[arg(long, conflicts_with = "psk_file")]
    pub psk_stdin: bool,
    /// Read the pre-shared key from a file (the final newline is removed).
    #[arg(long, value_name = "FILE")]
    pub psk_file: Option<PathBuf>,
}

/// `--wait` and its time limit.
#[derive(Debug, Args, Clone)]
pub struct WaitArgs {
    /// Poll until the resource is ready, or for deletes gone. Ready is ACTIVE; for VPN and IPsec
    /// connections also DOWN (provisioned, the tunnel waits for the peer). Fails at once on
    /// ERROR (FAULT for gateways).
    #[arg(long)]
    pub wait: bool,
    /// How long --wait may take, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    pub wait_timeout: u64,
}

/// A resource id given as a positional argument.
#[derive(Debug, Args, Clone)]
pub struct IdArg {
    /// The resource id.
    #[arg(value_name = "ID", value_parser = non_empty)]
    pub id: String,
}

fn non_empty(value: &str) -> Result<String, String> {
    if value.trim().is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(value.to_string())
    }
}

// ----------------------------------------------------------------------------------------------
// VPN connections.

#[derive(Debug, Subcommand)]
pub enum ConnectionCmd {
    /// Create a VPN connection (CreateVpnConnection).
    ///
    /// The body is `{"vpn_connection": {...}}`; the flags set its common fields. vgw_id, vgw_ip
    /// and cgw_id are required. The PSK comes from --psk-stdin, --psk-file, the body or HCVPN_PSK.
    Create(ConnectionCreate),
    /// Show a VPN connection (ShowVpnConnection).
    Show(IdArg),
    /// List VPN connections (ListVpnConnections), one page or all with --all.
    List(ConnectionList),
    /// Update a VPN connection (UpdateVpnConnection); only the fields given change.
    Update(ConnectionUpdate),
    /// Delete a VPN connection (DeleteVpnConnection).
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct ConnectionCreate {
    #[command(flatten)]
    pub body: BodyArg,
    /// Connection name.
    #[arg(long)]
    pub name: Option<String>,
    /// ID of the VPN gateway.
    #[arg(long, value_name = "ID")]
    pub vgw_id: Option<String>,
    /// ID of the VPN gateway's EIP (its ID, not the address) that the connection uses.
    #[arg(long, value_name = "EIP_ID")]
    pub vgw_ip: Option<String>,
    /// ID of the customer gateway.
    #[arg(long, value_name = "ID")]
    pub cgw_id: Option<String>,
    /// Customer-side subnet (CIDR); repeat for several.
    #[arg(long = "peer-subnet", value_name = "CIDR")]
    pub peer_subnets: Vec<String>,
    /// Routing mode: static, bgp or policy.
    #[arg(long)]
    pub style: Option<String>,
    /// Tunnel interface address on the gateway side (CIDR in 169.254.0.0/16).
    #[arg(long, value_name = "CIDR")]
    pub tunnel_local_address: Option<String>,
    /// Tunnel interface address on the customer side.
    #[arg(long, value_name = "CIDR")]
    pub tunnel_peer_address: Option<String>,
    #[command(flatten)]
    pub psk: PskArgs,
    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Args)]
pub struct ConnectionList {
    /// Maximum number of items on one page (0-2000).
    #[arg(long, allow_negative_numbers = true)]
    pub limit: Option<i64>,
    /// Where the page starts: the page_info.next_marker of the previous page.
    #[arg(long)]
    pub marker: Option<String>,
    /// Only connections of this VPN gateway.
    #[arg(long, value_name = "ID")]
    pub vgw_id: Option<String>,
    /// Only connections that use this gateway EIP ID.
    #[arg(long, value_name = "EIP_ID")]
    pub vgw_ip: Option<String>,
    /// Only connections that use the gateway EIP with this ID.
    #[arg(long, value_name = "ID")]
    pub eip_id: Option<String>,
    /// Only the connection with this ID.
    #[arg(long, value_name = "ID")]
    pub vpn_id: Option<String>,
    /// Only connections of this enterprise project; repeat for several.
    #[arg(long, value_name = "ID")]
    pub enterprise_project_id: Vec<String>,
    /// Follow page_info.next_marker and print all pages as one list.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct ConnectionUpdate {
    #[command(flatten)]
    pub id: IdArg,
    #[command(flatten)]
    pub body: BodyArg,
    /// New connection name.
    #[arg(long)]
    pub name: Option<String>,
    /// New customer gateway ID.
    #[arg(long, value_name = "ID")]
    pub cgw_id: Option<String>,
    /// Customer-side subnet (CIDR); repeat for several. Replaces the list.
    #[arg(long = "peer-subnet", value_name = "CIDR")]
    pub peer_subnets: Vec<String>,
    #[command(flatten)]
    pub psk: PskArgs,
    /// Take the new pre-shared key from HCVPN_PSK (updates never read it implicitly).
    #[arg(long, conflicts_with_all = ["psk_stdin", "psk_file"])]
    pub psk_env: bool,
}

/// A delete: the id, and --wait until gone.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    pub id: IdArg,
    #[command(flatten)]
    pub wait: WaitArgs,
}

// ----------------------------------------------------------------------------------------------
// Connection monitors.

#[derive(Debug, Subcommand)]
pub enum MonitorCmd {
    /// Create a connection monitor (CreateConnectionMonitor).
    ///
    /// The body is `{"connection_monitor": {"vpn_connection_id": "..."}}`, or use
    /// --vpn-connection-id.
    Create(MonitorCreate),
    /// Show a connection monitor (ShowConnectionMonitor).
    Show(IdArg),
    /// List connection monitors (ListConnectionMonitors; not paginated).
    List(MonitorList),
    /// Delete a connection monitor (DeleteConnectionMonitor).
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct MonitorCreate {
    #[command(flatten)]
    pub body: BodyArg,
    /// ID of the VPN connection to monitor.
    #[arg(long, value_name = "ID")]
    pub vpn_connection_id: Option<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Args)]
pub struct MonitorList {
    /// Only the monitors of this VPN connection.
    #[arg(long, value_name = "ID")]
    pub vpn_connection_id: Option<String>,
    /// Only monitors of this enterprise project; repeat for several.
    #[arg(long, value_name = "ID")]
    pub enterprise_project_id: Vec<String>,
}

// ----------------------------------------------------------------------------------------------
// VPN gateways.

#[derive(Debug, Subcommand)]
pub enum GatewayCmd {
    /// Create a VPN gateway (CreateVgw).
    ///
    /// The body is `{"vpn_gateway": {...}}`; the flags set its common fields. The gateway is
    /// created in the background (PENDING_CREATE); --wait polls until it is ACTIVE.
    Create(GatewayCreate),
    /// Show a VPN gateway (ShowVgw).
    Show(IdArg),
    /// List VPN gateways (ListVgws; not paginated).
    List(GatewayList),
    /// Update a VPN gateway (UpdateVgw); only the fields given change.
    Update(GatewayUpdate),
    /// Delete a VPN gateway (DeleteVgw).
    Delete(DeleteArgs),
    /// List, per gateway flavor, the availability zones where gateways can be created
    /// (ListAvailabilityZones).
    AvailabilityZones,
}

#[derive(Debug, Args)]
pub struct GatewayCreate {
    #[command(flatten)]
    pub body: BodyArg,
    /// Gateway name (generated by the server when left out).
    #[arg(long)]
    pub name: Option<String>,
    /// What the gateway is attached to: vpc or er (enterprise router).
    #[arg(long, value_name = "TYPE")]
    pub attachment_type: Option<String>,
    /// ID of the service VPC (VPC attachment).
    #[arg(long, value_name = "ID")]
    pub vpc_id: Option<String>,
    /// ID of the enterprise router (er attachment).
    #[arg(long, value_name = "ID")]
    pub er_id: Option<String>,
    /// Cloud-side subnet (CIDR) reachable through the gateway; repeat for several.
    #[arg(long = "local-subnet", value_name = "CIDR")]
    pub local_subnets: Vec<String>,
    /// ID of the VPC subnet the gateway uses for its interfaces.
    #[arg(long, value_name = "ID")]
    pub connect_subnet: Option<String>,
    /// Gateway flavor, e.g. Basic, Professional1, Professional2.
    #[arg(long)]
    pub flavor: Option<String>,
    /// Availability zone; repeat for several (see `gateway availability-zones`).
    #[arg(long = "availability-zone", value_name = "AZ")]
    pub availability_zones: Vec<String>,
    /// ID of an existing EIP for the gateway; give it twice for eip1 and eip2.
    #[arg(long = "eip-id", value_name = "ID", num_args = 1, action = clap::ArgAction::Append)]
    pub eip_ids: Vec<String>,
    /// BGP autonomous system number of the gateway.
    #[arg(long, value_name = "ASN")]
    pub bgp_asn: Option<i64>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Args)]
pub struct GatewayList {
    /// Only the gateway with this ID.
    #[arg(long, value_name = "ID")]
    pub vgw_id: Option<String>,
    /// Only gateways of this enterprise project; repeat for several.
    #[arg(long, value_name = "ID")]
    pub enterprise_project_id: Vec<String>,
}

#[derive(Debug, Args)]
pub struct GatewayUpdate {
    #[command(flatten)]
    pub id: IdArg,
    #[command(flatten)]
    pub body: BodyArg,
    /// New gateway name.
    #[arg(long)]
    pub name: Option<String>,
    /// Cloud-side subnet (CIDR); repeat for several. Replaces the list.
    #[arg(long = "local-subnet", value_name = "CIDR")]
    pub local_subnets: Vec<String>,
    /// ID of the EIP to use as the first gateway address.
    #[arg(long, value_name = "ID")]
    pub eip_id_1: Option<String>,
    /// ID of the EIP to use as the second gateway address.
    #[arg(long, value_name = "ID")]
    pub eip_id_2: Option<String>,
}

// ----------------------------------------------------------------------------------------------
// Customer gateways.

#[derive(Debug, Subcommand)]
pub enum CustomerGatewayCmd {
    /// Create a customer gateway (CreateCgw).
    ///
    /// The body is `{"customer_gateway": {...}}`; --name, --id-type, --id-value and --bgp-asn
    /// set its common fields. id_value is required. Customer gateways have no pending state:
    /// --wait only reads the new gateway back until the API shows it.
    Create(CgwCreate),
    /// Show a customer gateway (ShowCgw).
    Show(IdArg),
    /// List customer gateways (ListCgws), one page or all with --all.
    List(CgwList),
    /// Update a customer gateway (UpdateCgw); only the fields given change.
    Update(CgwUpdate),
    /// Delete a customer gateway (DeleteCgw).
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct CgwCreate {
    #[command(flatten)]
    pub body: BodyArg,
    /// Customer gateway name (generated by the server when left out).
    #[arg(long)]
    pub name: Option<String>,
    /// Kind of identity in --id-value: ip or fqdn.
    #[arg(long, value_name = "TYPE")]
    pub id_type: Option<String>,
    /// Identity of the customer gateway: its public IPv4 address or FQDN.
    #[arg(long, value_name = "VALUE")]
    pub id_value: Option<String>,
    /// BGP autonomous system number of the customer gateway.
    #[arg(long, value_name = "ASN")]
    pub bgp_asn: Option<i64>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Args)]
pub struct CgwList {
    /// Only the customer gateway with this ID.
    #[arg(long, value_name = "ID")]
    pub cgw_id: Option<String>,
    /// Maximum number of items on one page.
    #[arg(long, allow_negative_numbers = true)]
    pub limit: Option<i64>,
    /// Where the page starts: the page_info.next_marker of the previous page.
    #[arg(long)]
    pub marker: Option<String>,
    /// Follow page_info.next_marker and print all pages as one list.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct CgwUpdate {
    #[command(flatten)]
    pub id: IdArg,
    #[command(flatten)]
    pub body: BodyArg,
    /// New customer gateway name.
    #[arg(long)]
    pub name: Option<String>,
}

// ----------------------------------------------------------------------------------------------
// Quotas.

#[derive(Debug, Subcommand)]
pub enum QuotaCmd {
    /// Show the VPN quotas of the project: used and allowed per resource type (ShowQuotasInfo).
    Show,
}

// ----------------------------------------------------------------------------------------------
// Legacy IPsec site connections.

#[derive(Debug, Subcommand)]
pub enum IpsecCmd {
    /// Create an IPsec site connection (CreateIpsecSiteConnection).
    ///
    /// The body is `{"ipsec_site_connection": {...}}`; the flags set its common fields. The PSK
    /// comes from --psk-stdin, --psk-file, the body or HCVPN_PSK.
    Create(IpsecCreate),
    /// Show an IPsec site connection (ShowIpsecSiteConnection).
    Show(IdArg),
    /// List IPsec site connections (ListIpsecSiteConnections; not paginated).
    List(IpsecList),
    /// Update an IPsec site connection (UpdateIpsecSiteConnection); only the fields given change.
    Update(IpsecUpdate),
    /// Delete an IPsec site connection (DeleteIpsecSiteConnection).
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct IpsecCreate {
    #[command(flatten)]
    pub body: BodyArg,
    /// Connection name.
    #[arg(long)]
    pub name: Option<String>,
    /// Free-text description.
    #[arg(long)]
    pub description: Option<String>,
    /// ID of the VPN service the connection belongs to.
    #[arg(long, value_name = "ID")]
    pub vpnservice_id: Option<String>,
    /// ID of the IKE policy.
    #[arg(long, value_name = "ID")]
    pub ikepolicy_id: Option<String>,
    /// ID of the IPsec policy.
    #[arg(long, value_name = "ID")]
    pub ipsecpolicy_id: Option<String>,
    /// ID of the endpoint group with the local subnets.
    #[arg(long, value_name = "ID")]
    pub local_ep_group_id: Option<String>,
    /// ID of the endpoint group with the peer CIDRs.
    #[arg(long, value_name = "ID")]
    pub peer_ep_group_id: Option<String>,
    /// Public address (IPv4 address or FQDN) of the peer gateway.
    #[arg(long, value_name = "ADDRESS")]
    pub peer_address: Option<String>,
    /// Identity of the peer gateway (usually its address).
    #[arg(long, value_name = "ID")]
    pub peer_id: Option<String>,
    #[command(flatten)]
    pub psk: PskArgs,
    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Args)]
pub struct IpsecList {
    /// Only the connection with this ID.
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Only connections with this name.
    #[arg(long)]
    pub name: Option<String>,
    /// Only connections in this state (for example ACTIVE).
    #[arg(long)]
    pub status: Option<String>,
    /// Only connections of this VPN service.
    #[arg(long, value_name = "ID")]
    pub vpnservice_id: Option<String>,
    /// Attribute to return; repeat for several (all when left out).
    #[arg(long = "field", value_name = "NAME")]
    pub fields: Vec<String>,
}

#[derive(Debug, Args)]
pub struct IpsecUpdate {
    #[command(flatten)]
    pub id: IdArg,
    #[command(flatten)]
    pub body: BodyArg,
    /// New connection name.
    #[arg(long)]
    pub name: Option<String>,
    /// New description.
    #[arg(long)]
    pub description: Option<String>,
    /// New public address of the peer gateway.
    #[arg(long, value_name = "ADDRESS")]
    pub peer_address: Option<String>,
    /// New identity of the peer gateway.
    #[arg(long, value_name = "ID")]
    pub peer_id: Option<String>,
    #[command(flatten)]
    pub psk: PskArgs,
    /// Take the new pre-shared key from HCVPN_PSK (updates never read it implicitly).
    #[arg(long, conflicts_with_all = ["psk_stdin", "psk_file"])]
    pub psk_env: bool,
}

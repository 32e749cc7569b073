`| json` after show commands: an object built from the command's data
(docs/json.md), text filters after it apply to its lines; `| json` is
refused after a command that is not `show`, and after a text filter.
@@ config site-to-site-a.cfg
@@ pty
@@ input
> terminal length 0
> show ipsec tunnel | json
> show crypto ikev2 sa | json
> show configuration commit list | j
> show terminal | json | include monitor
> show running-config | json | include "(pre_shared_key|remote_address)"
> show running-config | include x | json
> configure terminal | json
> show terminal | json x
+ show terminal | json ?
@@ screen
hq-gw#terminal length 0
hq-gw#show ipsec tunnel | json
{
  "tunnels": [
    {
      "name": "BRANCH",
      "tunnel_id": 0,
      "state": "DOWN",
      "reason": "this engine runs without IKE (configuration only)",
      "reason_since": null,
      "ike_sa": null,
      "not_in_effect": null,
      "ipsec_sas": [],
      "traffic_since_commit": {
        "in": {
          "packets": 0,
          "bytes": 0,
          "replay_errors": 0,
          "integrity_errors": 0
        },
        "out": {
          "packets": 0,
          "bytes": 0,
          "replay_errors": 0,
          "integrity_errors": 0
        }
      }
    }
  ]
}
hq-gw#show crypto ikev2 sa | json
{
  "ike_sas": []
}
hq-gw#show configuration commit list | j
{
  "commits": []
}
hq-gw#show terminal | json | include monitor
  "monitor": false
hq-gw#show running-config | json | include "(pre_shared_key|remote_address)"
      "remote_address": [
      "pre_shared_key": "*****",
hq-gw#show running-config | include x | json
                                        ^
% Invalid input detected at '^' marker.
% json comes first, before the text filters

hq-gw#configure terminal | json
                           ^
% Invalid input detected at '^' marker.
% json follows show commands only

hq-gw#show terminal | json x
                           ^
% Invalid input detected at '^' marker.

hq-gw#show terminal | json ?
  <cr>
hq-gw#show terminal | json

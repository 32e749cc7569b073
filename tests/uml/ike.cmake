# ikesh against strongSwan's charon: IKEv2 negotiated by the engine, ESP in
# the kernel, an operator's commands through a pty.
ikesh_tests_need(uml ikesh)
set(IKE_ENV "IKESH_BIN=$<TARGET_FILE:ikesh>"
  "IKESH_DRIVE=${CMAKE_CURRENT_SOURCE_DIR}/ikesh_drive.py")
# ikesh initiates / strongSwan initiates, AES-GCM with x25519
ikesh_uml_test(ike_sw_gcm_x25519 scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=ikesh)
ikesh_uml_test(ike_sw_gcm_x25519_resp scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=strongswan)
# three more algorithm sets
ikesh_uml_test(ike_sw_aes128_modp2048_pfs scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=ikesh
  SCENARIO_SW_IKE=aes128-sha256-modp2048 SCENARIO_SW_ESP=aes128-sha1-modp2048
  "SCENARIO_IKE=encryption aes128,integrity sha256,group 14"
  "SCENARIO_IPSEC=encryption aes128,integrity sha1,pfs group 14")
ikesh_uml_test(ike_sw_aes256_sha384_ecp384 scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=strongswan
  SCENARIO_SW_IKE=aes256-sha384-ecp384 SCENARIO_SW_ESP=aes256-sha384
  "SCENARIO_IKE=encryption aes256,integrity sha384,group 20"
  "SCENARIO_IPSEC=encryption aes256,integrity sha384")
ikesh_uml_test(ike_sw_chacha_ecp256 scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=ikesh
  SCENARIO_SW_IKE=chacha20poly1305-prfsha256-ecp256 SCENARIO_SW_ESP=chacha20poly1305
  "SCENARIO_IKE=encryption chacha20-poly1305,prf sha256,group 19"
  "SCENARIO_IPSEC=encryption chacha20-poly1305")
# charon with no proposal lines at all (its 38-transform default) initiates
ikesh_uml_test(ike_sw_default_proposals scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=strongswan SCENARIO_SW_IKE=default SCENARIO_SW_ESP=default
  "SCENARIO_IKE=encryption aes128,integrity sha256,group 19"
  "SCENARIO_IPSEC=encryption aes128,integrity sha256")
# failures show their cause in `show ipsec tunnel`
# charon asks for a range that is no prefix (XFRM selectors are): refused
# with TS_UNACCEPTABLE, and the IKE SA stays on both sides
ikesh_uml_test(ike_sw_ts_unacceptable scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=strongswan SCENARIO_SW_TS=10.2.0.1-10.2.0.7
  "SCENARIO_EXPECT=Reason: .*TS_UNACCEPTABLE")
# charon offers 20 selectors, the last of them the one ikesh allows
ikesh_uml_test(ike_sw_twenty_ts scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=strongswan
  "SCENARIO_SW_TS=10.9.0.0/24,10.9.1.0/24,10.9.2.0/24,10.9.3.0/24,10.9.4.0/24,10.9.5.0/24,10.9.6.0/24,10.9.7.0/24,10.9.8.0/24,10.9.9.0/24,10.9.10.0/24,10.9.11.0/24,10.9.12.0/24,10.9.13.0/24,10.9.14.0/24,10.9.15.0/24,10.9.16.0/24,10.9.17.0/24,10.9.18.0/24,10.2.0.0/24")
ikesh_uml_test(ike_sw_no_proposal scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=ikesh SCENARIO_SW_IKE=aes128-sha256-modp3072
  "SCENARIO_EXPECT=Reason: .*NO_PROPOSAL_CHOSEN")
ikesh_uml_test(ike_sw_wrong_psk scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=ikesh SCENARIO_PSK_SW=not-the-same-key
  "SCENARIO_EXPECT=Reason: .*AUTHENTICATION_FAILED")
# rekeys during a ping: charon's (CHILD ~8 s, IKE ~15 s), then ikesh's
# (lifetimes 120 s, rekeyed at 85-90 %: the longest scenario, ~2 min)
ikesh_uml_test(ike_sw_rekey_sw scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_MODE=rekey-sw)
ikesh_uml_test(ike_sw_rekey_ikesh scenarios/ike_strongswan.sh TIMEOUT 200
  ENV ${IKE_ENV} SCENARIO_MODE=rekey-ikesh)
# charon killed and started again: DPD, then `dpd action restart`
ikesh_uml_test(ike_sw_dpd scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_MODE=dpd)
# NAT-T forced by ikesh: charon takes its keepalives (RFC 3948 2.3) without
# a complaint in its log
ikesh_uml_test(ike_sw_natt scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_MODE=natt)
# IKE fragmentation (RFC 7383) with charon: IKE_AUTH in 200-byte fragments both ways
ikesh_uml_test(ike_sw_frag scenarios/ike_strongswan.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_MODE=frag)
# two ikesh tunnels to one charon (two connections, then one with two
# children): one cleared and back while the other keeps passing traffic
ikesh_uml_test(ike_sw_two_tunnels scenarios/ike_sw_two_tunnels.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_SW_CONNS=2)
ikesh_uml_test(ike_sw_two_children scenarios/ike_sw_two_tunnels.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_SW_CONNS=1)
# charon reauthenticating break-before-make every ~20 s for two minutes
ikesh_uml_test(ike_sw_reauth scenarios/ike_sw_reauth.sh TIMEOUT 240 ENV ${IKE_ENV})

# ikesh against ikesh: up, ping, counters on both sides, and the reasons
# each side shows for a mismatch
ikesh_uml_test(ike_ikesh_gcm_x25519 scenarios/ike_ikesh.sh TIMEOUT 120 ENV ${IKE_ENV})
ikesh_uml_test(ike_ikesh_aes128_modp2048_pfs scenarios/ike_ikesh.sh TIMEOUT 120
  ENV ${IKE_ENV} "SCENARIO_IKE_A=encryption aes128,integrity sha256,group 14"
  "SCENARIO_IPSEC_A=encryption aes128,integrity sha1,pfs group 14")
ikesh_uml_test(ike_ikesh_chacha_ecp384 scenarios/ike_ikesh.sh TIMEOUT 120
  ENV ${IKE_ENV} "SCENARIO_IKE_A=encryption chacha20-poly1305,prf sha384,group 20"
  "SCENARIO_IPSEC_A=encryption chacha20-poly1305")
ikesh_uml_test(ike_ikesh_no_proposal scenarios/ike_ikesh.sh TIMEOUT 120
  ENV ${IKE_ENV} "SCENARIO_IKE_B=encryption aes128,integrity sha256,group 14"
  "SCENARIO_EXPECT_A=Reason: peer 192.0.2.2 rejected our proposal: NO_PROPOSAL_CHOSEN"
  "SCENARIO_EXPECT_B=Reason: NO_PROPOSAL_CHOSEN: peer 192.0.2.1 offered")
ikesh_uml_test(ike_ikesh_wrong_psk scenarios/ike_ikesh.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_PSK_B=not-the-same-key
  "SCENARIO_EXPECT_A=Reason: AUTHENTICATION_FAILED: pre-shared key mismatch or identity 192.0.2.1 unknown"
  "SCENARIO_EXPECT_B=Reason: AUTHENTICATION_FAILED: pre-shared key mismatch for identity 192.0.2.1")
# gA rekeys IKE and CHILD SAs (lifetimes 120 s) during a ping, ~2 min
ikesh_uml_test(ike_ikesh_rekey scenarios/ike_ikesh.sh TIMEOUT 200
  ENV ${IKE_ENV} SCENARIO_MODE=rekey)
# gB's ikesh killed and started again: DPD, then `dpd action restart`
ikesh_uml_test(ike_ikesh_dpd scenarios/ike_ikesh.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_MODE=dpd)

# 200 tunnels initiated at once: no request lost, no retransmission
ikesh_uml_test(ike_ikesh_burst scenarios/bench_ike.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_N=200 SCENARIO_BURST=1)

# Benchmark, not a test: IKE SAs per second and memory per tunnel, ikesh
# against ikesh and charon against charon, and the crypto-only ceiling
# (IKESH_BENCH_N tunnels, default 200).
if(NOT DEFINED IKESH_BENCH_N)
  set(IKESH_BENCH_N 200)
endif()
add_custom_target(bench_ike_uml
  COMMAND ${CMAKE_COMMAND} -E echo "on the host, outside UML:"
  COMMAND $<TARGET_FILE:ike_crypto_cost> 3
  COMMAND ${CMAKE_COMMAND} -E env IKESH_UML_LAUNCH=$<TARGET_FILE:uml_launch>
    IKESH_SEAM_TOOL=$<TARGET_FILE:xfrm_seam_tool> IKESH_UML_WORK=${CMAKE_CURRENT_BINARY_DIR}
    IKESH_UML_LIB=${CMAKE_CURRENT_SOURCE_DIR}/lib.sh IKESH_UML_TIMEOUT=1500 IKESH_UML_MEM=1024M
    IKESH_BIN=$<TARGET_FILE:ikesh> IKESH_DRIVE=${CMAKE_CURRENT_SOURCE_DIR}/ikesh_drive.py
    IKESH_CRYPTO_COST=$<TARGET_FILE:ike_crypto_cost> SCENARIO_N=${IKESH_BENCH_N}
    sh ${IKESH_UML_RUN} bench_ike_uml ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/bench_ike.sh
  DEPENDS uml_launch xfrm_seam_tool ike_crypto_cost ikesh
  USES_TERMINAL)

# ikesh against charon with certificates (openssl CA and intermediate made
# during the test): ikesh / charon initiates, ECDSA and RSA; an expired and a
# wrong-CA peer certificate each give their reason
ikesh_uml_test(ike_sw_cert_ecdsa scenarios/ike_sw_cert.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=ikesh SCENARIO_KEY=ecdsa)
ikesh_uml_test(ike_sw_cert_ecdsa_resp scenarios/ike_sw_cert.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=strongswan SCENARIO_KEY=ecdsa)
ikesh_uml_test(ike_sw_cert_rsa scenarios/ike_sw_cert.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=ikesh SCENARIO_KEY=rsa)
ikesh_uml_test(ike_sw_cert_rsa_resp scenarios/ike_sw_cert.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=strongswan SCENARIO_KEY=rsa)
ikesh_uml_test(ike_sw_cert_expired scenarios/ike_sw_cert.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=ikesh SCENARIO_KEY=ecdsa SCENARIO_PEER=expired
  "SCENARIO_EXPECT=Reason: .*peer certificate expired on 2020-02-01")
ikesh_uml_test(ike_sw_cert_wrong_ca scenarios/ike_sw_cert.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=ikesh SCENARIO_KEY=ecdsa SCENARIO_PEER=wrong-ca
  "SCENARIO_EXPECT=Reason: .*peer certificate not signed by trustpoint TP")
ikesh_uml_test(ike_sw_cert_expired_resp scenarios/ike_sw_cert.sh TIMEOUT 120
  ENV ${IKE_ENV} SCENARIO_INIT=strongswan SCENARIO_KEY=rsa SCENARIO_PEER=expired
  "SCENARIO_EXPECT=Reason: .*peer certificate expired on 2020-02-01")
# ikesh against ikesh with ECDSA certificates, an intermediate sent by the
# initiator, a wildcard DN accepted by the responder
ikesh_uml_test(ike_ikesh_cert_ecdsa scenarios/ike_ikesh_cert.sh TIMEOUT 120 ENV ${IKE_ENV})

# icmp-detect against charon: the server behind it stops answering, ikesh
# restarts the tunnel within interval x retries + timeout + 5 s; traffic
# resumes once it answers again
ikesh_uml_test(icmp_sw scenarios/icmp_sw.sh TIMEOUT 150 ENV ${IKE_ENV})

# gre-tunnel: GRE interfaces between the gateways, only GRE protected in
# transport mode; a ping over GRE goes through ESP, no plain GRE on the wire
ikesh_uml_test(gre_ikesh scenarios/gre_ikesh.sh TIMEOUT 120 ENV ${IKE_ENV})

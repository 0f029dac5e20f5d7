# portsleuth signature set, in psad's signature grammar (a header-only subset of Snort 2 rules).
#
# A firewall log carries headers, never payloads, so every rule here is built from what the
# kernel's LOG target prints: addresses, ports, TCP flags, window, sequence number, TTL, IP ID,
# IP length, IP options, ICMP type/code/id/sequence. What that cannot tell apart (a trojan's
# handshake from a port scan hitting the trojan's port) is said in the comment of the group.
#
# Identifiers: `sid:` is the Snort 2 rule id where Snort had a rule for the same detection (used
# only as an identifier, so reports line up with Snort/fwsnort output); otherwise `psad_id:` from
# portsleuth's own range 300001 and up (psad's own rules use 100000-100210). Where our rule is a
# header-only cousin of Snort rules that also needed payload, `psad_derived_sids:` names them.
#
# Danger levels: 2, like every psad rule, because one packet of these is most often a port scan
# or a misconfigured peer. 3 only where a tool-chosen 16- or 32-bit value in a packet nobody sends
# unprompted identifies the tool itself (see the DDoS group).
#
# Every rule has at least one `sample` comment right above it: a line of real kernel output from
# test/fixtures/captures/, produced by the probe tables in scripts/capture/*.tsv. The test
# test/unit/signature-set.test.ts fails for a rule without one, or whose samples do not match it.
#
# TCP rules mostly use `flags:S,12`: a bare SYN, with or without the ECN bits CWR/ECE (the ",12"
# mask), so neither the replies of a real service (SYN+ACK, RST) nor the late ACKs a stateful
# firewall drops after conntrack forgot a connection set them off.

# ---------------------------------------------------------------------------------------------
# Backdoors and trojans: a connection attempt to the port the trojan's server listens on.
# Without payload this is "someone knocked where SubSeven/NetBus/... answers", which an
# all-ports scan also does, hence DL 2. UDP backdoors need a payload: nmap -sU and friends send
# empty datagrams to ports they have no probe for.
# ---------------------------------------------------------------------------------------------

# sample: 2026-11-22T08:36:35.678600+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=2969 PROTO=TCP SPT=50407 DPT=27374 SEQ=3401279320 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 27374 (msg:"BACKDOOR SubSeven connection attempt"; flags:S,12; classtype:trojan-activity; psad_derived_sids:103; psad_id:300010; psad_dl:2;)

# SubSeven versions and plugins listened on more ports than 27374 (1243 for the 1.x servers,
# 6711-6713 and 6776, 16959 for the DEFCON8 2.1 build, 27573 and 54283 for 2.1).
# sample: 2026-11-22T08:36:37.351018+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1796 PROTO=TCP SPT=15916 DPT=1243 SEQ=2471506599 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any [1243,6711:6713,6776,16959,27573,54283] (msg:"BACKDOOR SubSeven alternate port connection attempt"; flags:S,12; classtype:trojan-activity; psad_derived_sids:107; psad_id:300011; psad_dl:2;)

# sample: 2026-11-22T08:36:35.729955+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=56162 PROTO=TCP SPT=3064 DPT=12345 SEQ=440878038 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
# sample: 2026-11-22T08:36:35.793394+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=33310 PROTO=TCP SPT=60956 DPT=12346 SEQ=3343251472 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 12345:12346 (msg:"BACKDOOR NetBus connection attempt"; flags:S,12; classtype:trojan-activity; psad_derived_sids:109,110; psad_id:300012; psad_dl:2;)

# sample: 2026-11-22T08:36:37.415925+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=18992 PROTO=TCP SPT=43881 DPT=20034 SEQ=1869475681 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 20034 (msg:"BACKDOOR NetBus Pro connection attempt"; flags:S,12; classtype:trojan-activity; psad_derived_sids:115; psad_id:300013; psad_dl:2;)

# sample: 2026-11-22T08:36:35.858498+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=43184 PROTO=TCP SPT=52612 DPT=6789 SEQ=2042909160 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 6789 (msg:"BACKDOOR Doly 2.0 connection attempt"; flags:S,12; classtype:trojan-activity; psad_derived_sids:119; psad_id:300014; psad_dl:2;)

# 6969 is also the usual BitTorrent tracker port; on a host that runs no tracker an inbound SYN
# there is still worth naming, but it is no proof of GateCrasher.
# sample: 2026-11-22T08:36:35.912305+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=23128 PROTO=TCP SPT=19051 DPT=6970 SEQ=1548885925 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any [6969,6970] (msg:"BACKDOOR GateCrasher connection attempt"; flags:S,12; classtype:trojan-activity; psad_derived_sids:147; psad_id:300015; psad_dl:2;)

# Snort excluded source port 80 for GirlFriend (a web server talking back to a client that
# happened to use 21554 as its ephemeral port); kept, so the rule means the same thing here.
# sample: 2026-11-22T08:36:36.041050+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=5440 PROTO=TCP SPT=1025 DPT=21554 SEQ=3954263101 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any !80 -> any 21554 (msg:"BACKDOOR GirlFriend connection attempt"; flags:S,12; classtype:trojan-activity; sid:145; psad_dl:2;)

# MyDoom leaves a backdoor on 3127-3198; DoomJuice spread by uploading itself into it.
# sample: 2026-11-22T08:36:35.979587+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=10744 PROTO=TCP SPT=42279 DPT=3127 SEQ=989199153 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 3127:3199 (msg:"BACKDOOR DoomJuice file upload attempt"; flags:S,12; classtype:trojan-activity; sid:2375; psad_dl:2;)

# typot opens its connections with a fixed TCP window of 55808, whatever the port.
# sample: 2026-11-22T08:36:36.167181+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=16489 PROTO=TCP SPT=10921 DPT=80 SEQ=929951895 ACK=0 WINDOW=55808 RES=0x00 SYN URGP=0
alert tcp any any -> any any (msg:"BACKDOOR typot trojan traffic"; flags:S,12; window:55808; classtype:trojan-activity; sid:2182; psad_dl:2;)

# sample: 2026-11-22T08:36:37.480800+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=13199 PROTO=TCP SPT=47580 DPT=30100 SEQ=1298489420 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 30100:30102 (msg:"BACKDOOR NetSphere connection attempt"; flags:S,12; classtype:trojan-activity; psad_derived_sids:146,155; psad_id:300016; psad_dl:2;)

# sample: 2026-11-22T08:36:37.546048+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=51041 PROTO=TCP SPT=31643 DPT=33270 SEQ=986434639 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 33270 (msg:"BACKDOOR Trinity connection attempt"; flags:S,12; classtype:trojan-activity; psad_derived_sids:1843; psad_id:300017; psad_dl:2;)

# Back Orifice's server listens on UDP 31337 by default; its packets are never empty.
# sample: 2026-11-22T08:36:37.601244+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=47 TOS=0x00 PREC=0x00 TTL=64 ID=2272 PROTO=UDP SPT=53 DPT=31337 LEN=27
alert udp any any -> any 31337 (msg:"BACKDOOR Back Orifice access"; dsize:>0; classtype:trojan-activity; psad_id:300018; psad_dl:2;)

# sample: 2026-11-22T08:36:37.674732+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=1144 PROTO=UDP SPT=53 DPT=2140 LEN=10
# sample: 2026-11-22T08:36:37.744762+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=29427 PROTO=UDP SPT=53 DPT=3150 LEN=10
alert udp any any -> any [2140,3150,4120] (msg:"BACKDOOR DeepThroat 3.1 connection attempt"; dsize:>0; classtype:trojan-activity; psad_derived_sids:1980,1981,1983; psad_id:300019; psad_dl:2;)

# ---------------------------------------------------------------------------------------------
# DDoS tools (1999-2000 era, still in every scanner's port list): control traffic between
# client, handler/master and agent/daemon. Port-only rules stay at DL 2. DL 3 goes to the
# ICMP echo replies with the tools' own ICMP id and sequence 0 (TFN) or spoofed source (an echo
# reply nobody asked for, carrying a 16-bit value the tool chose) and to shaft's fixed 32-bit
# SYN sequence number: a chance match is rarer than one in 65536 per packet.
# ---------------------------------------------------------------------------------------------

# sample: 2026-11-22T08:36:36.104108+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=5361 PROTO=TCP SPT=61098 DPT=15104 SEQ=2478243188 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 15104 (msg:"DDOS mstream client to handler"; flags:S,12; classtype:attempted-dos; sid:249; psad_dl:2;)

# sample: 2026-11-22T08:36:37.846252+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=8710 PROTO=TCP SPT=20916 DPT=12754 SEQ=2331815604 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 12754 (msg:"DDOS mstream client to handler (port 12754)"; flags:S,12; classtype:attempted-dos; psad_derived_sids:247; psad_id:300050; psad_dl:2;)

# sample: 2026-11-22T08:36:37.937136+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID=8896 PROTO=UDP SPT=53 DPT=10498 LEN=12
alert udp any any -> any 10498 (msg:"DDOS mstream handler to agent"; dsize:>0; classtype:attempted-dos; psad_derived_sids:244,245; psad_id:300051; psad_dl:2;)

# sample: 2026-11-22T08:36:37.994639+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=37 TOS=0x00 PREC=0x00 TTL=64 ID=43143 PROTO=UDP SPT=53 DPT=6838 LEN=17
alert udp any any -> any 6838 (msg:"DDOS mstream agent to handler"; dsize:>0; classtype:attempted-dos; sid:243; psad_dl:2;)

# sample: 2026-11-22T08:36:38.065066+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=5847 PROTO=TCP SPT=39860 DPT=20432 SEQ=3597769666 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 20432 (msg:"DDOS shaft client login to handler"; flags:S,12; classtype:attempted-dos; psad_derived_sids:230; psad_id:300052; psad_dl:2;)

# sample: 2026-11-22T08:36:38.144993+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=39 TOS=0x00 PREC=0x00 TTL=64 ID=46122 PROTO=UDP SPT=53 DPT=18753 LEN=19
alert udp any any -> any 18753 (msg:"DDOS shaft handler to agent"; dsize:>0; classtype:attempted-dos; sid:239; psad_dl:2;)

# sample: 2026-11-22T08:36:38.226356+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=21022 PROTO=UDP SPT=53 DPT=20433 LEN=13
alert udp any any -> any 20433 (msg:"DDOS shaft agent to handler"; dsize:>0; classtype:attempted-dos; sid:240; psad_dl:2;)

# shaft's SYN flood reuses one sequence number. Needs --log-tcp-sequence (without SEQ= in the
# line the rule cannot be confirmed and stays silent).
# sample: 2026-11-22T08:36:38.281694+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=10968 PROTO=TCP SPT=19162 DPT=80 SEQ=674711609 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any any (msg:"DDOS shaft synflood"; flags:S,12; seq:674711609; classtype:attempted-dos; sid:241; psad_dl:3;)

# Trin00: attacker -> master on TCP 27665, master -> daemon on UDP 27444, daemon -> master on
# UDP 31335. The UDP commands and replies are short words ("l44", "*HELLO*", "PONG"), so a
# payload of at least 3 bytes is required, as psad did; empty scan datagrams do not match.
# sample: 2026-11-22T08:36:38.357580+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=40379 PROTO=TCP SPT=3726 DPT=27665 SEQ=1513957771 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 27665 (msg:"DDOS Trin00 attacker to master"; flags:S,12; classtype:attempted-dos; psad_derived_sids:233,234,235; psad_id:300053; psad_dl:2;)

# sample: 2026-11-22T08:36:38.457755+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=27246 PROTO=UDP SPT=53 DPT=27444 LEN=20
alert udp any any -> any 27444 (msg:"DDOS Trin00 master to daemon"; dsize:>2; classtype:attempted-dos; psad_derived_sids:237; psad_id:300054; psad_dl:2;)

# sample: 2026-11-22T08:36:36.113547+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=35 TOS=0x00 PREC=0x00 TTL=64 ID=62330 PROTO=UDP SPT=53 DPT=31335 LEN=15
alert udp any any -> any 31335 (msg:"DDOS Trin00 daemon to master"; dsize:>2; classtype:attempted-dos; psad_derived_sids:223,231,232; psad_id:300055; psad_dl:2;)

# TFN and Stacheldraht talk over ICMP echo replies, told apart by the ICMP id (and sequence 0).
# psad read icmp_id/icmp_seq from the wrong tokens, so these never fired there.
# sample: 2026-11-22T08:36:37.177631+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=53937 PROTO=ICMP TYPE=0 CODE=0 ID=456 SEQ=0
alert icmp any any -> any any (msg:"DDOS TFN client command BE"; itype:0; icmp_id:456; icmp_seq:0; classtype:attempted-dos; sid:228; psad_dl:3;)

# sample: 2026-11-22T08:36:38.543316+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=58855 PROTO=ICMP TYPE=0 CODE=0 ID=51201 SEQ=0
alert icmp any any -> any any (msg:"DDOS TFN client command LE"; itype:0; icmp_id:51201; icmp_seq:0; classtype:attempted-dos; sid:251; psad_dl:3;)

# An echo request with id 678; the id is also a plausible process id of a real ping, so DL 2.
# sample: 2026-11-22T08:36:38.631206+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID=40927 PROTO=ICMP TYPE=8 CODE=0 ID=678 SEQ=1
alert icmp any any -> any any (msg:"DDOS TFN probe"; itype:8; icmp_id:678; classtype:attempted-recon; sid:221; psad_dl:2;)

# sample: 2026-11-22T08:36:38.704691+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=29990 PROTO=ICMP TYPE=0 CODE=0 ID=123 SEQ=0
alert icmp any any -> any any (msg:"DDOS TFN server response"; itype:0; icmp_id:123; icmp_seq:0; classtype:attempted-dos; sid:238; psad_dl:2;)

# Stacheldraht agents test whether spoofing works by sending from 3.3.3.3.
# sample: 2026-11-22T08:36:37.225855+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=3.3.3.3 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=2670 PROTO=ICMP TYPE=0 CODE=0 ID=666 SEQ=0
alert icmp 3.3.3.3/32 any -> any any (msg:"DDOS Stacheldraht server spoof"; itype:0; icmp_id:666; classtype:attempted-dos; sid:224; psad_dl:3;)

# sample: 2026-11-22T08:36:37.225855+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=3.3.3.3 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=2670 PROTO=ICMP TYPE=0 CODE=0 ID=666 SEQ=0
alert icmp any any -> any any (msg:"DDOS Stacheldraht client check skillz"; itype:0; icmp_id:666; classtype:attempted-dos; sid:229; psad_dl:2;)

# sample: 2026-11-22T08:36:37.792410+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=4826 PROTO=ICMP TYPE=0 CODE=0 ID=667 SEQ=0
alert icmp any any -> any any (msg:"DDOS Stacheldraht server response"; itype:0; icmp_id:667; classtype:attempted-dos; sid:226; psad_dl:2;)

# sample: 2026-11-22T08:36:37.881610+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=34915 PROTO=ICMP TYPE=0 CODE=0 ID=668 SEQ=0
alert icmp any any -> any any (msg:"DDOS Stacheldraht client check gag"; itype:0; icmp_id:668; classtype:attempted-dos; sid:236; psad_dl:2;)

# sample: 2026-11-22T08:36:37.944914+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=58499 PROTO=ICMP TYPE=0 CODE=0 ID=669 SEQ=0
alert icmp any any -> any any (msg:"DDOS Stacheldraht gag server response"; itype:0; icmp_id:669; classtype:attempted-dos; sid:225; psad_dl:2;)

# ---------------------------------------------------------------------------------------------
# Scans by TCP flag combination. No real stack opens a connection with these, so one packet is
# enough. Matching is exact (apart from the ECN mask): a FIN rule does not fire on FIN+ACK,
# which is a normal close (and nmap -sM), and NULL means no flag at all. psad compared
# flag strings and never matched its own `flags:0` NULL rule, and it lost the URG+PSH+SYN+FIN
# "nmap fingerprint" rule to the same string comparison; both work here.
# ---------------------------------------------------------------------------------------------

# sample: 2026-11-22T08:36:37.385580+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=39760 PROTO=TCP SPT=32051 DPT=80 SEQ=1939256074 ACK=0 WINDOW=1480 RES=0x00 URG PSH SYN FIN URGP=0
alert tcp any any -> any any (msg:"SCAN nmap fingerprint attempt"; flags:SFPU,12; classtype:attempted-recon; sid:629; psad_dl:2;)

# sample: 2026-11-22T08:36:37.518694+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=49772 PROTO=TCP SPT=18674 DPT=80 SEQ=3303383151 ACK=0 WINDOW=1480 RES=0x00 FIN URGP=0
# sample: 2026-11-22T08:28:26.878560+00:00 fw kernel: DROP IN=eth0 OUT= MACSRC=02:77:00:00:00:01 MACDST=02:77:00:00:00:02 MACPROTO=0800 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=59 ID=42985 PROTO=TCP SPT=44228 DPT=1025 WINDOW=1024 RES=0x00 FIN URGP=0
alert tcp any any -> any any (msg:"SCAN FIN"; flags:F,12; classtype:attempted-recon; sid:621; psad_dl:2;)

# The nmap -sX flavour: URG+PSH+FIN (also nmap -O's T7 probe).
# sample: 2026-11-22T08:36:37.656324+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=38799 PROTO=TCP SPT=13885 DPT=80 SEQ=76297175 ACK=0 WINDOW=1480 RES=0x00 URG PSH FIN URGP=0
# sample: 2026-11-22T08:28:30.246625+00:00 fw kernel: Shorewall:net2fw:DROP:IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=49 ID=479 PROTO=TCP SPT=53971 DPT=1025 WINDOW=1024 RES=0x00 URG PSH FIN URGP=0
alert tcp any any -> any any (msg:"SCAN nmap XMAS"; flags:FPU,12; classtype:attempted-recon; sid:1228; psad_dl:2;)

# Every flag set. It carries ACK and RST, so psad's IGNORE_CONNTRACK_BUG_PKTS hid it; our
# conntrack filter only drops ACK/RST packets that come from a service port to an ephemeral one.
# sample: 2026-11-22T08:36:37.719543+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=2497 PROTO=TCP SPT=57141 DPT=80 SEQ=1762882767 ACK=3000700516 WINDOW=1480 RES=0x00 CWR ECE URG ACK PSH RST SYN FIN URGP=0
alert tcp any any -> any any (msg:"SCAN XMAS"; flags:SRAFPU,12; classtype:attempted-recon; sid:625; psad_dl:2;)

# sample: 2026-11-22T08:36:37.591254+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=29771 PROTO=TCP SPT=22865 DPT=80 SEQ=1021373749 ACK=0 WINDOW=1480 RES=0x00 URGP=0
# sample: 2026-11-22T08:28:32.510664+00:00 fw kernel: [UFW BLOCK] IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=56 ID=33086 PROTO=TCP SPT=64423 DPT=1025 WINDOW=1024 RES=0x00 URGP=0
alert tcp any any -> any any (msg:"SCAN NULL"; flags:0; classtype:attempted-recon; sid:623; psad_dl:2;)

# sample: 2026-11-22T08:36:37.446516+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=49650 PROTO=TCP SPT=5859 DPT=80 SEQ=1251554976 ACK=0 WINDOW=1480 RES=0x00 SYN FIN URGP=0
alert tcp any any -> any any (msg:"SCAN SYN FIN"; flags:SF,12; classtype:attempted-recon; sid:624; psad_dl:2;)

# synscan sends SYN+FIN with a fixed IP id.
# sample: 2026-11-22T08:36:38.030159+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=39426 PROTO=TCP SPT=23808 DPT=80 SEQ=1531626254 ACK=0 WINDOW=1480 RES=0x00 SYN FIN URGP=0
alert tcp any any -> any any (msg:"SCAN synscan portscan"; flags:SF,12; id:39426; classtype:attempted-recon; sid:630; psad_dl:2;)

# ---------------------------------------------------------------------------------------------
# Scanners recognised by a fixed header value.
# ---------------------------------------------------------------------------------------------

# myscan: SYNs from source port 10101 with a TTL above 220.
# sample: 2026-11-22T08:36:36.232731+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=250 ID=8548 PROTO=TCP SPT=10101 DPT=80 SEQ=2206116727 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any 10101 -> any any (msg:"SCAN myscan"; flags:S,12; ttl:>220; classtype:attempted-recon; sid:613; psad_dl:2;)

# ipEye: a fixed SYN sequence number (needs --log-tcp-sequence).
# sample: 2026-11-22T08:36:36.302617+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=31756 PROTO=TCP SPT=42849 DPT=80 SEQ=1958810375 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any any (msg:"SCAN ipEye SYN scan"; flags:S,12; seq:1958810375; classtype:attempted-recon; sid:622; psad_dl:2;)

# nmap -O sends fixed probes to a closed port: T5 is a SYN with window 31337, IE1 an echo
# request with code 9 and sequence 295, IE2 an echo request of 150 payload bytes with sequence
# 296, U1 a UDP datagram of 300 bytes with IP id 0x1042 (4162).
# sample: 2026-11-22T08:28:48.817743+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=53 ID=47586 PROTO=TCP SPT=51406 DPT=40628 WINDOW=31337 RES=0x00 SYN URGP=0 OPT (03030A0102040109080AFFFFFFFF000000000402)
alert tcp any any -> any any (msg:"SCAN nmap OS detection probe T5"; flags:S,12; window:31337; classtype:attempted-recon; psad_id:300100; psad_dl:2;)

# sample: 2026-11-22T08:28:49.670399+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=148 TOS=0x00 PREC=0x00 TTL=49 ID=9057 DF PROTO=ICMP TYPE=8 CODE=9 ID=18497 SEQ=295
alert icmp any any -> any any (msg:"SCAN nmap OS detection probe IE1"; itype:8; icode:9; icmp_seq:295; classtype:attempted-recon; psad_id:300101; psad_dl:2;)

# sample: 2026-11-22T08:28:49.719524+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=178 TOS=0x04 PREC=0x00 TTL=37 ID=60426 PROTO=ICMP TYPE=8 CODE=0 ID=18498 SEQ=296
alert icmp any any -> any any (msg:"SCAN nmap OS detection probe IE2"; itype:8; icode:0; icmp_seq:296; psad_ip_len:178; classtype:attempted-recon; psad_id:300102; psad_dl:2;)

# sample: 2026-11-22T08:28:49.768653+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=328 TOS=0x00 PREC=0x00 TTL=64 ID=4162 PROTO=UDP SPT=51386 DPT=36075 LEN=308
alert udp any any -> any any (msg:"SCAN nmap OS detection probe U1"; id:4162; psad_ip_len:328; classtype:attempted-recon; psad_id:300103; psad_dl:2;)

# Open-proxy hunting: SYNs to the SOCKS and Squid ports.
# sample: 2026-11-22T08:36:38.136179+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=62896 PROTO=TCP SPT=46267 DPT=1080 SEQ=2237820039 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 1080 (msg:"SCAN SOCKS proxy attempt"; flags:S,12; classtype:attempted-recon; sid:615; psad_dl:2;)

# sample: 2026-11-22T08:36:38.209149+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=4964 PROTO=TCP SPT=28458 DPT=3128 SEQ=1686314528 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 3128 (msg:"SCAN Squid proxy attempt"; flags:S,12; classtype:attempted-recon; sid:618; psad_dl:2;)

# Unix traceroute: UDP to 33434 and up; the first probes that reach the last hop arrive with TTL 1.
# sample: 2026-11-22T08:36:38.310821+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=1 ID=29000 PROTO=UDP SPT=53 DPT=33434 LEN=40
alert udp any any -> any 33434:33534 (msg:"SCAN UDP traceroute"; ttl:1; classtype:attempted-recon; psad_id:300104; psad_dl:2;)

# Mirai SYNs carry the destination address as their sequence number. That needs a comparison
# between two fields (seq == dst), which the grammar cannot express; portsleuth detects Mirai in
# code instead (a SYN to 23/2323 pattern, like psad), so there is no rule for it.

# ---------------------------------------------------------------------------------------------
# Databases and worms.
# ---------------------------------------------------------------------------------------------

# sample: 2026-11-22T08:36:35.911542+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=44306 PROTO=TCP SPT=43502 DPT=1433 SEQ=124642958 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
# sample: 2026-11-22T08:36:35.974375+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:86:dd SRC=fd77:0000:0000:0000:0000:0000:0000:0001 DST=fd77:0000:0000:0000:0000:0000:0000:0002 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=23364 PROTO=TCP SPT=20056 DPT=1433 SEQ=2796657012 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any 1433 (msg:"MISC Microsoft SQL Server communication attempt"; flags:S,12; classtype:attempted-recon; psad_id:300001; psad_dl:2;)

# SQL Slammer is a single 376-byte UDP datagram to 1434: IP length 404, nothing else is.
# sample: 2026-11-22T08:36:36.049764+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=404 TOS=0x00 PREC=0x00 TTL=64 ID=56555 PROTO=UDP SPT=53 DPT=1434 LEN=384
# sample: 2026-11-22T08:36:36.049726+00:00 fw kernel: [11] SID2003 IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=404 TOS=0x00 PREC=0x00 TTL=64 ID=56555 PROTO=UDP SPT=53 DPT=1434 LEN=384
alert udp any any -> any 1434 (msg:"MS-SQL Slammer worm propagation attempt"; psad_ip_len:404; classtype:misc-attack; sid:2003; psad_dl:2;)

# Nachi/Welchia pinged its next victims with 64-byte echo requests: IP length 92.
# sample: 2026-11-22T08:36:37.326874+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=92 TOS=0x00 PREC=0x00 TTL=64 ID=60865 PROTO=ICMP TYPE=8 CODE=0 ID=5392 SEQ=1
alert icmp any any -> any any (msg:"MISC Nachi worm ICMP reconnaissance"; itype:8; icode:0; psad_ip_len:92; classtype:misc-activity; psad_id:300110; psad_dl:2;)

# fwknop's single packet authorization: a base64 blob of well over 130 bytes to UDP 62201.
# Worth knowing about even when it is your own client.
# sample: 2026-11-22T08:36:37.288664+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=189 TOS=0x00 PREC=0x00 TTL=64 ID=39523 PROTO=UDP SPT=53 DPT=62201 LEN=169
alert udp any any -> any 62201 (msg:"MISC fwknop SPA packet"; dsize:>130; classtype:misc-activity; psad_id:300111; psad_dl:2;)

# ---------------------------------------------------------------------------------------------
# Bad traffic: packets no correct stack sends.
# ---------------------------------------------------------------------------------------------

# Port 0 is reserved; `<>` matches it as source or destination port (psad only matched the
# written direction).
# sample: 2026-11-22T08:36:36.318523+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=57 ID=28140 PROTO=TCP SPT=41792 DPT=0 SEQ=2122144940 ACK=0 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4)
alert tcp any any <> any 0 (msg:"BAD-TRAFFIC tcp port 0 traffic"; classtype:misc-activity; sid:524; psad_dl:2;)

# sample: 2026-11-22T08:36:36.854460+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=59 ID=26491 PROTO=UDP SPT=39303 DPT=0 LEN=8
alert udp any any <> any 0 (msg:"BAD-TRAFFIC udp port 0 traffic"; classtype:misc-activity; sid:525; psad_dl:2;)

# Payload in a SYN. The payload is estimated from the logged lengths; without logged TCP options
# a SYN is assumed to carry 44 bytes of them, so only a clear excess counts.
# sample: 2026-11-22T08:36:36.838091+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=100 TOS=0x00 PREC=0x00 TTL=64 ID=15579 PROTO=TCP SPT=51925 DPT=80 SEQ=3532582310 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert tcp any any -> any any (msg:"BAD-TRAFFIC data in TCP SYN packet"; flags:S,12; dsize:>6; classtype:misc-activity; sid:526; psad_dl:2;)

# A packet from an address to itself arriving from outside: the land attack and its relatives.
# sample: 2026-11-22T08:36:37.224005+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.2 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1277 PROTO=TCP SPT=139 DPT=139 SEQ=3423606312 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert ip any any -> any any (msg:"BAD-TRAFFIC same SRC/DST"; sameip; classtype:bad-unknown; sid:527; psad_dl:2;)

# No router forwards a packet with TTL 0, so it was crafted on the local segment.
# sample: 2026-11-22T08:36:36.890013+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=0 ID=20977 PROTO=TCP SPT=20520 DPT=80 SEQ=3741269870 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert ip any any -> any any (msg:"BAD-TRAFFIC 0 ttl"; ttl:0; classtype:misc-activity; sid:1321; psad_dl:2;)

# IP options (logged with --log-ip-options). Source routing lets a sender dictate the path back
# to itself; record route and timestamp map the path. Hardly any legitimate traffic uses them.
# sample: 2026-11-22T08:36:37.097424+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.10 LEN=48 TOS=0x00 PREC=0x00 TTL=64 ID=6810 OPT (018307040A4D000A) PROTO=TCP SPT=12090 DPT=80 SEQ=3080293312 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert ip any any -> any any (msg:"MISC source route lsrr"; ipopts:lsrr; classtype:bad-unknown; sid:500; psad_dl:2;)

# sample: 2026-11-22T08:36:37.167933+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.11 LEN=48 TOS=0x00 PREC=0x00 TTL=64 ID=8135 OPT (018907040A4D000B) PROTO=TCP SPT=9634 DPT=80 SEQ=1749023698 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert ip any any -> any any (msg:"MISC source route ssrr"; ipopts:ssrr; classtype:bad-unknown; sid:502; psad_dl:2;)

# sample: 2026-11-22T08:36:36.970067+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=80 TOS=0x00 PREC=0x00 TTL=64 ID=19164 OPT (010727080A4D00020000000000000000000000000000000000000000000000000000000000000000) PROTO=TCP SPT=24020 DPT=80 SEQ=1846033664 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
# sample: 2026-11-22T08:36:38.607480+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=68 TOS=0x00 PREC=0x00 TTL=64 ID=2560 OPT (010727080A4D00020000000000000000000000000000000000000000000000000000000000000000) PROTO=ICMP TYPE=0 CODE=0 ID=10160 SEQ=1
alert ip any any -> any any (msg:"MISC IP option record route"; ipopts:rr; classtype:attempted-recon; psad_id:300120; psad_dl:2;)

# sample: 2026-11-22T08:36:37.030322+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=80 TOS=0x00 PREC=0x00 TTL=64 ID=8137 OPT (4428090001D8FD970000000000000000000000000000000000000000000000000000000000000000) PROTO=TCP SPT=54143 DPT=80 SEQ=2220481559 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0
alert ip any any -> any any (msg:"MISC IP option timestamp"; ipopts:ts; classtype:attempted-recon; psad_id:300121; psad_dl:2;)

# An echo reply asking to record its route: ping -R style path discovery.
# sample: 2026-11-22T08:36:38.607480+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=68 TOS=0x00 PREC=0x00 TTL=64 ID=2560 OPT (010727080A4D00020000000000000000000000000000000000000000000000000000000000000000) PROTO=ICMP TYPE=0 CODE=0 ID=10160 SEQ=1
alert icmp any any -> any any (msg:"ICMP traceroute ipopts"; itype:0; ipopts:rr; classtype:attempted-recon; sid:475; psad_dl:2;)

# ---------------------------------------------------------------------------------------------
# ICMP (IPv4) by type and code, after RFC 792 and its successors. A logged ICMP packet was not
# related to any connection the firewall knew, so even a "harmless" type is unsolicited here.
# "undefined code" rules name codes the RFCs never assigned (the engine's type/code check
# raises the danger level for those as well; the rule puts a name on it in reports).
# ICMPv6 is not matched by `icmp` rules (psad has no ICMPv6 signatures either).
# ---------------------------------------------------------------------------------------------

# Type 0, echo reply.
# sample: 2026-11-22T08:36:40.926163+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=52061 PROTO=ICMP TYPE=0 CODE=0 ID=29641 SEQ=1
alert icmp any any -> any any (msg:"ICMP Echo Reply"; itype:0; icode:0; classtype:misc-activity; sid:408; psad_dl:2;)

# sample: 2026-11-22T08:36:47.232746+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=36056 PROTO=ICMP TYPE=0 CODE=5 ID=56545 SEQ=1
alert icmp any any -> any any (msg:"ICMP Echo Reply undefined code"; itype:0; icode:>0; classtype:misc-activity; sid:409; psad_dl:2;)

# Type 3, destination unreachable, codes 0-15 (RFC 792, 1122, 1812).
# sample: 2026-11-22T08:36:44.171298+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=23508 PROTO=ICMP TYPE=3 CODE=0 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Network Unreachable"; itype:3; icode:0; classtype:misc-activity; sid:401; psad_dl:2;)

# sample: 2026-11-22T08:36:44.314533+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=21997 PROTO=ICMP TYPE=3 CODE=1 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Host Unreachable"; itype:3; icode:1; classtype:misc-activity; sid:399; psad_dl:2;)

# sample: 2026-11-22T08:36:47.360458+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=8051 PROTO=ICMP TYPE=3 CODE=2 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Protocol Unreachable"; itype:3; icode:2; classtype:misc-activity; sid:404; psad_dl:2;)

# sample: 2026-11-22T08:36:44.553925+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=4768 PROTO=ICMP TYPE=3 CODE=3 INCOMPLETE [8 bytes]
# sample: 2026-11-22T08:36:49.193273+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=62 TOS=0x00 PREC=0xC0 TTL=64 ID=40832 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.77.0.2 DST=10.77.0.1 LEN=34 TOS=0x00 PREC=0x00 TTL=64 ID=37016 DF PROTO=UDP SPT=47767 DPT=33434 LEN=14 ]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Port Unreachable"; itype:3; icode:3; classtype:misc-activity; sid:402; psad_dl:2;)

# sample: 2026-11-22T08:36:44.711060+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=27988 PROTO=ICMP TYPE=3 CODE=4 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Fragmentation Needed and DF bit was set"; itype:3; icode:4; classtype:misc-activity; sid:396; psad_dl:2;)

# sample: 2026-11-22T08:36:47.494479+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=56037 PROTO=ICMP TYPE=3 CODE=5 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Source Route Failed"; itype:3; icode:5; classtype:misc-activity; sid:406; psad_dl:2;)

# sample: 2026-11-22T08:36:47.652686+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=42654 PROTO=ICMP TYPE=3 CODE=6 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Destination Network Unknown"; itype:3; icode:6; classtype:misc-activity; sid:395; psad_dl:2;)

# sample: 2026-11-22T08:36:47.777389+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=64784 PROTO=ICMP TYPE=3 CODE=7 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Destination Host Unknown"; itype:3; icode:7; classtype:misc-activity; sid:394; psad_dl:2;)

# sample: 2026-11-22T08:36:47.873726+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=32275 PROTO=ICMP TYPE=3 CODE=8 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Source Host Isolated"; itype:3; icode:8; classtype:misc-activity; sid:405; psad_dl:2;)

# sample: 2026-11-22T08:36:48.016007+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=24720 PROTO=ICMP TYPE=3 CODE=9 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Communication with Destination Network is Administratively Prohibited"; itype:3; icode:9; classtype:misc-activity; sid:487; psad_dl:2;)

# sample: 2026-11-22T08:36:48.129643+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=44264 PROTO=ICMP TYPE=3 CODE=10 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Communication with Destination Host is Administratively Prohibited"; itype:3; icode:10; classtype:misc-activity; sid:486; psad_dl:2;)

# sample: 2026-11-22T08:36:48.294237+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=53461 PROTO=ICMP TYPE=3 CODE=11 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Network Unreachable for Type of Service"; itype:3; icode:11; classtype:misc-activity; sid:400; psad_dl:2;)

# sample: 2026-11-22T08:36:48.599682+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=39936 PROTO=ICMP TYPE=3 CODE=12 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Host Unreachable for Type of Service"; itype:3; icode:12; classtype:misc-activity; sid:398; psad_dl:2;)

# sample: 2026-11-22T08:36:43.808799+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=33000 PROTO=ICMP TYPE=3 CODE=13 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Communication Administratively Prohibited"; itype:3; icode:13; classtype:misc-activity; sid:485; psad_dl:2;)

# sample: 2026-11-22T08:36:48.776427+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=13134 PROTO=ICMP TYPE=3 CODE=14 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Host Precedence Violation"; itype:3; icode:14; classtype:misc-activity; sid:397; psad_dl:2;)

# sample: 2026-11-22T08:36:47.881002+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=41136 PROTO=ICMP TYPE=3 CODE=15 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable Precedence Cutoff in effect"; itype:3; icode:15; classtype:misc-activity; sid:403; psad_dl:2;)

# sample: 2026-11-22T08:36:47.112691+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=6458 PROTO=ICMP TYPE=3 CODE=99 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Destination Unreachable undefined code"; itype:3; icode:>15; classtype:misc-activity; sid:407; psad_dl:2;)

# Type 4, source quench: deprecated (RFC 6633); routers stopped sending it long ago.
# sample: 2026-11-22T08:36:43.921531+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=43238 PROTO=ICMP TYPE=4 CODE=0 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Source Quench"; itype:4; icode:0; classtype:bad-unknown; sid:477; psad_dl:2;)

# sample: 2026-11-22T08:36:48.017441+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=32724 PROTO=ICMP TYPE=4 CODE=3 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Source Quench undefined code"; itype:4; icode:>0; classtype:misc-activity; sid:448; psad_dl:2;)

# Type 5, redirect: tells a host to change its routing; from outside the segment it is an attack.
# sample: 2026-11-22T08:36:48.154169+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=58208 PROTO=ICMP TYPE=5 CODE=0 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP redirect net"; itype:5; icode:0; classtype:bad-unknown; sid:473; psad_dl:2;)

# sample: 2026-11-22T08:36:44.024312+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=45737 PROTO=ICMP TYPE=5 CODE=1 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP redirect host"; itype:5; icode:1; classtype:bad-unknown; sid:472; psad_dl:2;)

# sample: 2026-11-22T08:36:48.267841+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=22293 PROTO=ICMP TYPE=5 CODE=2 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Redirect for TOS and Network"; itype:5; icode:2; classtype:misc-activity; sid:437; psad_dl:2;)

# sample: 2026-11-22T08:36:48.375299+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=24282 PROTO=ICMP TYPE=5 CODE=3 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Redirect for TOS and Host"; itype:5; icode:3; classtype:misc-activity; sid:436; psad_dl:2;)

# sample: 2026-11-22T08:36:48.447290+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=15644 PROTO=ICMP TYPE=5 CODE=9 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Redirect undefined code"; itype:5; icode:>3; classtype:misc-activity; sid:438; psad_dl:2;)

# Type 6, alternate host address: never deployed.
# sample: 2026-11-22T08:36:48.550269+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=4865 PROTO=ICMP TYPE=6 CODE=0
alert icmp any any -> any any (msg:"ICMP Alternate Host Address"; itype:6; icode:0; classtype:misc-activity; sid:390; psad_dl:2;)

# Type 8, echo request, and the pings that give their sender away.
# sample: 2026-11-22T08:36:40.742270+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=50328 PROTO=ICMP TYPE=8 CODE=0 ID=33376 SEQ=1
alert icmp any any -> any any (msg:"ICMP PING"; itype:8; icode:0; classtype:misc-activity; sid:384; psad_dl:2;)

# nmap -O's IE1 probe uses code 9.
# sample: 2026-11-22T08:36:47.495138+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=10742 PROTO=ICMP TYPE=8 CODE=2 ID=54552 SEQ=1
# sample: 2026-11-22T08:28:49.670399+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=148 TOS=0x00 PREC=0x00 TTL=49 ID=9057 DF PROTO=ICMP TYPE=8 CODE=9 ID=18497 SEQ=295
alert icmp any any -> any any (msg:"ICMP PING undefined code"; itype:8; icode:>0; classtype:misc-activity; sid:365; psad_dl:2;)

# nmap's host discovery (and nping) send echo requests without payload; system ping tools
# always add some (56 bytes on Unix, 32 on Windows).
# sample: 2026-11-22T08:36:37.273570+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=14510 PROTO=ICMP TYPE=8 CODE=0 ID=27811 SEQ=1
# sample: 2026-11-22T08:36:40.742270+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=50328 PROTO=ICMP TYPE=8 CODE=0 ID=33376 SEQ=1
alert icmp any any -> any any (msg:"ICMP PING NMAP"; itype:8; dsize:0; classtype:attempted-recon; sid:469; psad_dl:2;)

# SuperScan's echo requests carry exactly 8 bytes.
# sample: 2026-11-22T08:36:38.456893+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=36 TOS=0x00 PREC=0x00 TTL=64 ID=63026 PROTO=ICMP TYPE=8 CODE=0 ID=30988 SEQ=1
alert icmp any any -> any any (msg:"ICMP superscan echo"; itype:8; dsize:8; classtype:attempted-recon; sid:474; psad_dl:2;)

# An echo request that arrives with TTL 1 was sized to expire exactly here: traceroute -I.
# sample: 2026-11-22T08:36:38.395052+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=1 ID=19512 PROTO=ICMP TYPE=8 CODE=0 ID=31839 SEQ=1
alert icmp any any -> any any (msg:"ICMP traceroute"; itype:8; ttl:1; classtype:attempted-recon; sid:385; psad_dl:2;)

# Types 9 and 10, router advertisement and solicitation (IRDP, RFC 1256); any code, as code 16
# of type 9 is valid too (RFC 2002).
# sample: 2026-11-22T08:36:44.138489+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=36 TOS=0x00 PREC=0x00 TTL=64 ID=32857 PROTO=ICMP TYPE=9 CODE=0
alert icmp any any -> any any (msg:"ICMP IRDP router advertisement"; itype:9; classtype:misc-activity; sid:363; psad_dl:2;)

# sample: 2026-11-22T08:36:44.220227+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=50879 PROTO=ICMP TYPE=10 CODE=0
alert icmp any any -> any any (msg:"ICMP IRDP router selection"; itype:10; classtype:misc-activity; sid:364; psad_dl:2;)

# Type 11, time exceeded.
# sample: 2026-11-22T08:36:44.295543+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=22931 PROTO=ICMP TYPE=11 CODE=0 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Time-To-Live Exceeded in Transit"; itype:11; icode:0; classtype:misc-activity; sid:449; psad_dl:2;)

# sample: 2026-11-22T08:36:44.350763+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=19069 PROTO=ICMP TYPE=11 CODE=1 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Fragment Reassembly Time Exceeded"; itype:11; icode:1; classtype:misc-activity; sid:410; psad_dl:2;)

# sample: 2026-11-22T08:36:48.673019+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=40850 PROTO=ICMP TYPE=11 CODE=4 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Time-To-Live Exceeded in Transit undefined code"; itype:11; icode:>1; classtype:misc-activity; sid:450; psad_dl:2;)

# Type 12, parameter problem.
# sample: 2026-11-22T08:36:44.432889+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=13253 PROTO=ICMP TYPE=12 CODE=0 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Parameter Problem Unspecified Error"; itype:12; icode:0; classtype:misc-activity; sid:427; psad_dl:2;)

# sample: 2026-11-22T08:36:48.797474+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=54090 PROTO=ICMP TYPE=12 CODE=1 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Parameter Problem Missing a Required Option"; itype:12; icode:1; classtype:misc-activity; sid:426; psad_dl:2;)

# sample: 2026-11-22T08:36:48.895177+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=14772 PROTO=ICMP TYPE=12 CODE=2 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Parameter Problem Bad Length"; itype:12; icode:2; classtype:misc-activity; sid:425; psad_dl:2;)

# sample: 2026-11-22T08:36:49.038523+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=18936 PROTO=ICMP TYPE=12 CODE=7 INCOMPLETE [8 bytes]
alert icmp any any -> any any (msg:"ICMP Parameter Problem undefined code"; itype:12; icode:>2; classtype:misc-activity; sid:428; psad_dl:2;)

# Types 13-18: timestamp, information and address mask request/reply. Timestamps leak the
# host's clock (nmap and hping use them to probe), information and address mask are obsolete
# (RFC 6918) and only scanners send them.
# sample: 2026-11-22T08:36:44.598284+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=32530 PROTO=ICMP TYPE=13 CODE=0
alert icmp any any -> any any (msg:"ICMP Timestamp Request"; itype:13; icode:0; classtype:misc-activity; sid:453; psad_dl:2;)

# sample: 2026-11-22T08:36:45.855352+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=14997 PROTO=ICMP TYPE=14 CODE=0
alert icmp any any -> any any (msg:"ICMP Timestamp Reply"; itype:14; icode:0; classtype:misc-activity; sid:451; psad_dl:2;)

# sample: 2026-11-22T08:36:45.953433+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=49579 PROTO=ICMP TYPE=15 CODE=0
alert icmp any any -> any any (msg:"ICMP Information Request"; itype:15; icode:0; classtype:misc-activity; sid:417; psad_dl:2;)

# sample: 2026-11-22T08:36:46.073723+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=348 PROTO=ICMP TYPE=16 CODE=0
alert icmp any any -> any any (msg:"ICMP Information Reply"; itype:16; icode:0; classtype:misc-activity; sid:415; psad_dl:2;)

# sample: 2026-11-22T08:36:46.206403+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID=41354 PROTO=ICMP TYPE=17 CODE=0
alert icmp any any -> any any (msg:"ICMP Address Mask Request"; itype:17; icode:0; classtype:misc-activity; sid:388; psad_dl:2;)

# sample: 2026-11-22T08:36:47.335638+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID=38486 PROTO=ICMP TYPE=18 CODE=0
alert icmp any any -> any any (msg:"ICMP Address Mask Reply"; itype:18; icode:0; classtype:misc-activity; sid:386; psad_dl:2;)

# Types nobody should send: unassigned 1, 2 and 7, reserved 19-29, and the obsolete ones.
# sample: 2026-11-22T08:36:47.614103+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=40789 PROTO=ICMP TYPE=1 CODE=0
alert icmp any any -> any any (msg:"ICMP unassigned type 1"; itype:1; classtype:misc-activity; sid:458; psad_dl:2;)

# sample: 2026-11-22T08:36:49.112159+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=38300 PROTO=ICMP TYPE=2 CODE=0
alert icmp any any -> any any (msg:"ICMP unassigned type 2"; itype:2; classtype:misc-activity; sid:460; psad_dl:2;)

# sample: 2026-11-22T08:36:47.744678+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=14295 PROTO=ICMP TYPE=7 CODE=0
alert icmp any any -> any any (msg:"ICMP unassigned type 7"; itype:7; classtype:misc-activity; sid:462; psad_dl:2;)

# sample: 2026-11-22T08:36:46.848946+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=24750 PROTO=ICMP TYPE=19 CODE=0
alert icmp any any -> any any (msg:"ICMP Reserved for Security Type 19"; itype:19; classtype:misc-activity; sid:439; psad_dl:2;)

# sample: 2026-11-22T08:36:49.246111+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=44883 PROTO=ICMP TYPE=25 CODE=0
alert icmp any any -> any any (msg:"ICMP reserved type 20-29"; itype:20:29; classtype:misc-activity; psad_id:300200; psad_dl:2;)

# Type 30, the traceroute message of RFC 1393 (obsolete).
# sample: 2026-11-22T08:36:49.382570+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=58916 PROTO=ICMP TYPE=30 CODE=0
alert icmp any any -> any any (msg:"ICMP Traceroute"; itype:30; classtype:attempted-recon; sid:456; psad_dl:2;)

# Types 31-39: datagram conversion error, mobile host redirect, IPv6 where-are-you/I-am-here,
# mobile registration, domain name request/reply, SKIP; all deprecated by RFC 6918.
# sample: 2026-11-22T08:36:49.496690+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=35051 PROTO=ICMP TYPE=33 CODE=0
# sample: 2026-11-22T08:36:49.634063+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=52708 PROTO=ICMP TYPE=39 CODE=0
alert icmp any any -> any any (msg:"ICMP obsolete type 31-39"; itype:31:39; classtype:misc-activity; psad_id:300201; psad_dl:2;)

# Type 40, Photuris (RFC 2521).
# sample: 2026-11-22T08:36:48.800744+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=9576 PROTO=ICMP TYPE=40 CODE=0
alert icmp any any -> any any (msg:"ICMP Photuris"; itype:40; classtype:misc-activity; psad_id:300202; psad_dl:2;)

# Types 42 and 43, extended echo request/reply (RFC 8335, "PROBE"): newer than psad, which
# calls them invalid; rare enough to name.
# sample: 2026-11-22T08:36:46.919657+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=34070 PROTO=ICMP TYPE=42 CODE=0
alert icmp any any -> any any (msg:"ICMP Extended Echo (PROBE)"; itype:42:43; classtype:attempted-recon; psad_id:300203; psad_dl:2;)

# 44-252 unassigned, 253-254 experimental (RFC 4727), 255 reserved.
# sample: 2026-11-22T08:36:47.005904+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=31273 PROTO=ICMP TYPE=200 CODE=7
alert icmp any any -> any any (msg:"ICMP unassigned or experimental type"; itype:>43; classtype:misc-activity; psad_id:300204; psad_dl:2;)

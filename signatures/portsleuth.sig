# placeholder while the full set is written
alert tcp any any -> any 1433 (msg:"MISC Microsoft SQL Server communication attempt"; flags:S; psad_id:300001; psad_dl:2;)
alert tcp any any -> any any (msg:"SCAN FIN"; flags:F; sid:621; psad_dl:2;)

module example.com/tiny

go 1.19

require example.com/workq v0.0.0

replace example.com/workq => ../workq

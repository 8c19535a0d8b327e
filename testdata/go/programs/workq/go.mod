module example.com/workq

go 1.19

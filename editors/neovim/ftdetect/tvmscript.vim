" Recognise TVMScript files in Neovim versions (and Vim) that do not source ftdetect/*.lua.
autocmd BufRead,BufNewFile *.tir setfiletype tvmscript
